#pragma once
// Personal data at rest (152-FZ, GDPR): every personal field of an account and its orders is sealed under a key
// of that account's own, and that key is stored only wrapped by the master secrets keys (crypto::Sealer).
// Erasing a person is destroying their key (crypto-shredding): what was sealed under it stays in the database,
// in backups and on standbys, and can never be read again. docs/privacy.md.
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/sealer.hpp"

namespace rgw::personal {

class AccountKey {
 public:
  // A new random key for `account_id` and its wrapped form, "KEYID:BLOB", to store beside the account.
  static std::pair<AccountKey, std::string> create(const crypto::Sealer& master, std::string_view account_id);
  // The key from its wrapped form; throws std::runtime_error when no configured master key opens it.
  static AccountKey unwrap(const crypto::Sealer& master, std::string_view account_id, std::string_view wrapped);
  // The same key wrapped by the sealing master key (after a rotation put a new one first); nullopt when it
  // already is.
  static std::optional<std::string> rewrapped(const crypto::Sealer& master, std::string_view account_id, std::string_view wrapped);

  // `context` names the field and its row ("accounts.name:acc_1"), so a sealed value cannot be moved.
  std::string seal(std::string_view plaintext, std::string_view context) const;
  std::string open(std::string_view sealed, std::string_view context) const;

 private:
  explicit AccountKey(crypto::Sealer sealer) : sealer_(std::move(sealer)) {}
  crypto::Sealer sealer_;
};

}  // namespace rgw::personal
