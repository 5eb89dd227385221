#include "gateway/core/ids.hpp"

#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <stdexcept>

namespace rgw {

std::string new_id(std::string_view prefix) {
  static constexpr char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford base32
  std::array<unsigned char, 16> bytes{};
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(ms) >> (8 * (5 - i)));
  if (RAND_bytes(bytes.data() + 6, 10) != 1) throw std::runtime_error("no randomness for an id");
  // 128 bits as 26 base32 characters, most significant first.
  __extension__ unsigned __int128 value = 0;
  for (unsigned char b : bytes) value = (value << 8) | b;
  std::string out(prefix);
  out += '_';
  char text[26];
  for (int i = 25; i >= 0; --i) {
    text[i] = alphabet[static_cast<unsigned>(value & 31)];
    value >>= 5;
  }
  out.append(text, 26);
  return out;
}

}  // namespace rgw
