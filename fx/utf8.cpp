#include "fx/utf8.hpp"

#include <algorithm>

namespace rgw::fx {

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The lead byte fixes the length and the range of the first continuation byte (RFC 3629, section 4).
    std::size_t extra = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) extra = 1;
    else if (c == 0xE0) extra = 2, low = 0xA0;                  // no overlong 3-byte forms
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) extra = 2;
    else if (c == 0xED) extra = 2, high = 0x9F;                 // no surrogates
    else if (c == 0xF0) extra = 3, low = 0x90;                  // no overlong 4-byte forms
    else if (c >= 0xF1 && c <= 0xF3) extra = 3;
    else if (c == 0xF4) extra = 3, high = 0x8F;                 // nothing above U+10FFFF
    else return false;
    if (i + extra >= s.size()) return false;
    const auto first = static_cast<unsigned char>(s[i + 1]);
    if (first < low || first > high) return false;
    for (std::size_t k = 2; k <= extra; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += extra + 1;
  }
  return true;
}

bool printable_utf8(std::string_view s) {
  return valid_utf8(s) && std::none_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

bool visible_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

}  // namespace rgw::fx
