#include "gateway/core/sealer.hpp"

#include "gateway/core/digest.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <optional>
#include <stdexcept>

namespace rgw::crypto {
namespace {

constexpr std::size_t nonce_size = 12, tag_size = 16;

using cipher_ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// Strict: no line breaks, proper padding; the decoded length accounts for the padding EVP_DecodeBlock keeps.
std::optional<std::string> unbase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t padding = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

Sealer::Sealer(std::vector<Key> keys) : keys_(std::move(keys)) {
  if (keys_.empty()) throw std::invalid_argument("at least one secrets key is required");
}

Sealer Sealer::from_text(std::string_view text) {
  std::vector<Key> keys;
  while (!text.empty()) {
    const auto end = text.find_first_of(",\n");
    const auto entry = trimmed(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (entry.empty() || entry.front() == '#') continue;
    const auto colon = entry.find(':');
    if (colon == 0 || colon == std::string_view::npos) throw std::invalid_argument("a secrets key must be written ID:BASE64 (32 bytes)");
    const auto bytes = unbase64(entry.substr(colon + 1));
    if (!bytes || bytes->size() != 32) throw std::invalid_argument("secrets key '" + std::string(entry.substr(0, colon)) + "' is not base64 of 32 bytes");
    Key key{std::string(entry.substr(0, colon)), {}};
    std::copy(bytes->begin(), bytes->end(), key.bytes.begin());
    for (const auto& k : keys)
      if (k.id == key.id) throw std::invalid_argument("secrets key '" + key.id + "' is listed twice");
    keys.push_back(std::move(key));
  }
  return Sealer(std::move(keys));
}

Sealer::Sealed Sealer::seal(std::string_view plaintext, std::string_view context) const {
  const auto& key = keys_.front();
  std::string out(nonce_size + plaintext.size() + tag_size, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  if (RAND_bytes(bytes, nonce_size) != 1) throw std::runtime_error("no randomness available");
  cipher_ctx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes.data(), bytes) == 1 &&
            EVP_EncryptUpdate(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(context.data()), static_cast<int>(context.size())) == 1 &&
            EVP_EncryptUpdate(ctx.get(), bytes + nonce_size, &n, reinterpret_cast<const unsigned char*>(plaintext.data()),
                              static_cast<int>(plaintext.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx.get(), bytes + nonce_size + n, &n) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, tag_size, bytes + nonce_size + plaintext.size()) == 1;
  if (!ok) throw std::runtime_error("sealing failed");
  return Sealed{key.id, base64(bytes, out.size())};
}

std::string Sealer::open(std::string_view key_id, std::string_view blob, std::string_view context) const {
  const Key* key = nullptr;
  for (const auto& k : keys_)
    if (k.id == key_id) key = &k;
  if (!key) throw std::runtime_error("secrets key '" + std::string(key_id) + "' is not configured");
  const auto raw = unbase64(blob);
  if (!raw || raw->size() < nonce_size + tag_size) throw std::runtime_error("a sealed value is malformed");
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw->data());
  const auto size = raw->size() - nonce_size - tag_size;
  std::string out(size, '\0');
  cipher_ctx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key->bytes.data(), bytes) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &n, reinterpret_cast<const unsigned char*>(context.data()), static_cast<int>(context.size())) == 1 &&
            EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n, bytes + nonce_size, static_cast<int>(size)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, tag_size, const_cast<unsigned char*>(bytes + nonce_size + size)) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + n, &n) == 1;
  if (!ok) throw std::runtime_error("a sealed value failed authentication");
  return out;
}

std::vector<Sealer::Key> Sealer::derived_keys(std::string_view purpose) const {
  std::vector<Key> out;
  for (const auto& key : keys_) {
    const auto bytes = hmac_sha256(std::string_view(reinterpret_cast<const char*>(key.bytes.data()), key.bytes.size()), purpose);
    Key derived{key.id, {}};
    std::copy(bytes.begin(), bytes.end(), derived.bytes.begin());
    out.push_back(std::move(derived));
  }
  return out;
}

}  // namespace rgw::crypto
