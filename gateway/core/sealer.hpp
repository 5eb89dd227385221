#pragma once
// Secrets at rest (reward codes, webhook secrets): AES-256-GCM with a random 96-bit nonce, authenticated together
// with a context string (the owning row's id) so a sealed value cannot be moved to another row. Several keys may
// be configured for rotation: the first seals, any opens what it sealed; each sealed value names its key.
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace rgw::crypto {

class Sealer {
 public:
  struct Key {
    std::string id;
    std::array<unsigned char, 32> bytes;
  };
  struct Sealed {
    std::string key_id;
    std::string blob;  // base64 of nonce || ciphertext || tag
  };

  explicit Sealer(std::vector<Key> keys);  // at least one
  // "id:base64-of-32-bytes" entries separated by commas or new lines, the sealing key first. Throws
  // std::invalid_argument saying what is wrong, never echoing key material.
  static Sealer from_text(std::string_view text);

  Sealed seal(std::string_view plaintext, std::string_view context) const;
  // Throws std::runtime_error when the key is not configured or the value or its context was altered.
  std::string open(std::string_view key_id, std::string_view blob, std::string_view context) const;
  // A key per configured key for another use (`purpose` names it), same ids and order: HMAC-SHA256(key, purpose),
  // so one configured secret never serves two algorithms.
  std::vector<Key> derived_keys(std::string_view purpose) const;
  // The id of the key seal() uses.
  const std::string& sealing_key_id() const noexcept { return keys_.front().id; }

 private:
  std::vector<Key> keys_;
};

}  // namespace rgw::crypto
