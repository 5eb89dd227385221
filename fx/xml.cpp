#include "fx/xml.hpp"

#include <algorithm>
#include <cstdint>

#include "fx/utf8.hpp"

namespace rgw::fx::xml {
namespace {

constexpr int max_depth = 16;

// windows-1251 bytes 0x80..0xFF as Unicode code points.
constexpr char16_t cp1251_high[128] = {
    0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
    0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
    0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
    0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
    0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417, 0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F,
    0x0420, 0x0421, 0x0422, 0x0423, 0x0424, 0x0425, 0x0426, 0x0427, 0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,
    0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437, 0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F,
    0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447, 0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F,
};

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The encoding named in the XML declaration, lower-cased; "utf-8" when there is none.
std::string declared_encoding(std::string_view doc) {
  if (!doc.starts_with("<?xml")) return "utf-8";
  const auto end = doc.find("?>");
  const auto decl = doc.substr(0, end);
  const auto at = decl.find("encoding");
  if (at == std::string_view::npos) return "utf-8";
  const auto quote = decl.find_first_of("\"'", at);
  if (quote == std::string_view::npos) return "";
  const auto close = decl.find(decl[quote], quote + 1);
  if (close == std::string_view::npos) return "";
  std::string name(decl.substr(quote + 1, close - quote - 1));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  return name;
}

class parser {
 public:
  explicit parser(std::string_view text) : s_(text) {}

  result<Element> document() {
    skip_misc();
    Element root;
    if (!at('<') || !element(root, 0)) return errc::malformed_feed;
    skip_misc();
    if (pos_ != s_.size()) return errc::malformed_feed;  // one root, nothing after it
    return root;
  }

 private:
  bool at(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  bool starts(std::string_view p) const { return s_.substr(pos_).starts_with(p); }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r' || s_[pos_] == '\n')) ++pos_;
  }
  bool skip_past(std::string_view terminator) {
    const auto end = s_.find(terminator, pos_);
    if (end == std::string_view::npos) return false;
    pos_ = end + terminator.size();
    return true;
  }
  // Declaration, comments and white space around the root; false on DOCTYPE or an unterminated construct.
  void skip_misc() {
    for (;;) {
      skip_space();
      if (starts("<?")) {
        if (!skip_past("?>")) return;
      } else if (starts("<!--")) {
        if (!skip_past("-->")) return;
      } else {
        return;
      }
    }
  }
  static bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':' || c == '-' || c == '.' ||
           static_cast<unsigned char>(c) >= 0x80;
  }
  std::string name() {
    const auto start = pos_;
    while (pos_ < s_.size() && name_char(s_[pos_])) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }
  // Decodes character data up to `stop`; false on a bad reference or a stray '<' / '&'.
  bool characters(std::string& out, char stop) {
    while (pos_ < s_.size() && s_[pos_] != stop) {
      const char c = s_[pos_];
      if (c == '<') return stop == '<';
      if (c != '&') {
        out += c;
        ++pos_;
        continue;
      }
      const auto semi = s_.find(';', pos_);
      if (semi == std::string_view::npos || semi - pos_ > 10) return false;
      const auto ref = s_.substr(pos_ + 1, semi - pos_ - 1);
      pos_ = semi + 1;
      if (ref == "amp") out += '&';
      else if (ref == "lt") out += '<';
      else if (ref == "gt") out += '>';
      else if (ref == "quot") out += '"';
      else if (ref == "apos") out += '\'';
      else if (ref.starts_with('#')) {
        std::uint32_t cp = 0;
        const bool hex = ref.size() > 1 && ref[1] == 'x';
        const auto digits = ref.substr(hex ? 2 : 1);
        if (digits.empty()) return false;
        for (char d : digits) {
          int v = std::isdigit(static_cast<unsigned char>(d)) ? d - '0'
                  : hex && std::isxdigit(static_cast<unsigned char>(d)) ? std::tolower(d) - 'a' + 10 : -1;
          if (v < 0 || cp > 0x10FFFF) return false;
          cp = cp * (hex ? 16 : 10) + v;
        }
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        append_utf8(out, cp);
      } else {
        return false;
      }
    }
    return true;
  }
  bool element(Element& e, int depth) {
    if (depth > max_depth) return false;
    ++pos_;  // '<'
    e.name = name();
    if (e.name.empty()) return false;
    for (;;) {
      skip_space();
      if (starts("/>")) {
        pos_ += 2;
        return true;
      }
      if (at('>')) {
        ++pos_;
        break;
      }
      std::string attr = name();
      if (attr.empty()) return false;
      skip_space();
      if (!at('=')) return false;
      ++pos_;
      skip_space();
      if (!at('"') && !at('\'')) return false;
      const char quote = s_[pos_++];
      std::string value;
      if (!characters(value, quote) || !at(quote)) return false;
      ++pos_;
      if (e.attribute(attr)) return false;
      e.attributes.emplace_back(std::move(attr), std::move(value));
    }
    for (;;) {
      if (!characters(e.text, '<')) return false;
      if (pos_ >= s_.size()) return false;  // truncated: the element never closes
      if (starts("</")) {
        pos_ += 2;
        if (name() != e.name) return false;
        skip_space();
        if (!at('>')) return false;
        ++pos_;
        return true;
      }
      if (starts("<!--")) {
        if (!skip_past("-->")) return false;
        continue;
      }
      if (starts("<!") || starts("<?")) return false;  // DOCTYPE, CDATA and PIs inside: not in any feed we read
      Element child;
      if (!element(child, depth + 1)) return false;
      e.children.push_back(std::move(child));
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

const std::string* Element::attribute(std::string_view attribute_name) const {
  for (const auto& [k, v] : attributes)
    if (k == attribute_name) return &v;
  return nullptr;
}

const Element* Element::child(std::string_view child_name) const {
  for (const auto& c : children)
    if (c.name == child_name) return &c;
  return nullptr;
}

result<Element> parse(std::string_view document) {
  const std::string encoding = declared_encoding(document);
  if (encoding == "utf-8") {
    if (!valid_utf8(document)) return errc::malformed_feed;
    return parser(document).document();
  }
  if (encoding == "windows-1251") {
    std::string utf8;
    utf8.reserve(document.size() * 2);
    for (char c : document) {
      const auto b = static_cast<unsigned char>(c);
      if (b < 0x80) utf8 += c;
      else if (cp1251_high[b - 0x80] == 0xFFFD) return errc::malformed_feed;  // 0x98 is unassigned
      else append_utf8(utf8, cp1251_high[b - 0x80]);
    }
    return parser(utf8).document();
  }
  return errc::malformed_feed;
}

}  // namespace rgw::fx::xml
