#include "gateway/core/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace rgw::crypto {

namespace {
constexpr char base64url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string hex(const unsigned char* bytes, unsigned int length) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(std::size_t{length} * 2, '\0');  // sized once: every authenticated request hexes a key's hash
  char* to = out.data();  // not out[i]: a char store may alias the string itself, so it would be reloaded per byte
  for (unsigned int i = 0; i < length; ++i) {
    *to++ = digits[bytes[i] >> 4];
    *to++ = digits[bytes[i] & 15];
  }
  return out;
}
}  // namespace

std::string sha256_hex(std::string_view data) {
  // The algorithm fetched once and a context per thread: OpenSSL 3 looks EVP_sha256() up and allocates a context
  // on every EVP_Digest, several times the hash itself for a key (every authenticated request hashes one).
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!sha256 || !context || EVP_DigestInit_ex2(context.get(), sha256, nullptr) != 1 || EVP_DigestUpdate(context.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), digest, &length) != 1)
    throw std::runtime_error("SHA-256 failed");
  return hex(digest, length);
}

std::string hmac_sha256(std::string_view secret, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(message.data()), message.size(),
            digest, &length))
    throw std::runtime_error("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string hmac_sha256_hex(std::string_view secret, std::string_view message) {
  const auto digest = hmac_sha256(secret, message);
  return hex(reinterpret_cast<const unsigned char*>(digest.data()), static_cast<unsigned int>(digest.size()));
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_token(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size())) != 1) throw std::runtime_error("no randomness available");
  return base64url(raw);
}

std::string base64url(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      out += base64url_alphabet[(buffer >> (bits - 6)) & 63];
      bits -= 6;
    }
  }
  if (bits > 0) out += base64url_alphabet[(buffer << (6 - bits)) & 63];
  return out;
}

std::optional<std::string> from_base64url(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    const char* at = std::find(base64url_alphabet, base64url_alphabet + 64, c);
    if (at == base64url_alphabet + 64) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(at - base64url_alphabet);
    bits += 6;
    if (bits >= 8) {
      out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;  // one text per byte string: no stray bits
  return out;
}

}  // namespace rgw::crypto
