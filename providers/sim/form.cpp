#include "providers/sim/form.hpp"

#include <cctype>

namespace rgw::sim {
namespace {

int hex_value(char c) { return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::toupper(static_cast<unsigned char>(c)) - 'A' + 10; }

std::string decoded(std::string_view s) {
  std::string d;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') d += ' ';
    else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) && std::isxdigit(static_cast<unsigned char>(s[i + 2])))
      d += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])), i += 2;
    else d += s[i];
  }
  return d;
}

}  // namespace

std::map<std::string, std::string> form_fields(std::string_view text) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    const auto amp = text.find('&');
    const auto pair = text.substr(0, amp);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos) out[decoded(pair.substr(0, eq))] = decoded(pair.substr(eq + 1));
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
  }
  return out;
}

std::map<std::string, std::string> query_of(std::string_view target) {
  const auto q = target.find('?');
  return q == std::string_view::npos ? std::map<std::string, std::string>{} : form_fields(target.substr(q + 1));
}

}  // namespace rgw::sim
