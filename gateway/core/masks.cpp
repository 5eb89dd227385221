#include "gateway/core/masks.hpp"

#include <algorithm>

namespace rgw::personal {
namespace {

// The first UTF-8 character of `text` (its lead byte and continuation bytes).
std::string_view first_character(std::string_view text) {
  std::size_t n = text.empty() ? 0 : 1;
  while (n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) ++n;
  return text.substr(0, n);
}

}  // namespace

std::string mask_email(std::string_view email) {
  const auto at = email.rfind('@');
  if (at == std::string_view::npos) return mask_name(email);
  return std::string(first_character(email)) + "***" + std::string(email.substr(at));
}

std::string mask_name(std::string_view name) {
  std::string out;
  for (std::size_t at = 0; at < name.size();) {
    const auto end = std::min(name.find(' ', at), name.size());
    if (end > at) out += (out.empty() ? "" : " ") + std::string(first_character(name.substr(at, end - at))) + "***";
    at = end + 1;
  }
  return out;
}

std::string without_emails(std::string_view text) {
  // A word holding '@' (delimited by blanks, quotes, brackets, commas) is taken for an address.
  constexpr std::string_view delimiters = " \t\r\n\"'<>()[]{},;:";
  std::string out;
  for (std::size_t at = 0; at < text.size();) {
    const auto start = text.find_first_not_of(delimiters, at);
    out.append(text.substr(at, std::min(start, text.size()) - at));
    if (start == std::string_view::npos) break;
    const auto end = std::min(text.find_first_of(delimiters, start), text.size());
    const auto word = text.substr(start, end - start);
    const auto sign = word.find('@');
    out += sign != std::string_view::npos && sign > 0 && sign + 1 < word.size() ? mask_email(word) : std::string(word);
    at = end;
  }
  return out;
}

}  // namespace rgw::personal
