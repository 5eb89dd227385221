#include "gateway/core/personal.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace rgw::personal {
namespace {

// An account key seals under this one id; the master key that wraps it is named in the wrapped form.
constexpr std::string_view account_key_id = "account";

std::string wrap_context(std::string_view account_id) { return "account-key:" + std::string(account_id); }

crypto::Sealer sealer_of(const std::string& bytes) {
  crypto::Sealer::Key key{std::string(account_key_id), {}};
  if (bytes.size() != key.bytes.size()) throw std::runtime_error("an account key is not 32 bytes");
  std::copy(bytes.begin(), bytes.end(), key.bytes.begin());
  return crypto::Sealer({key});
}

std::string wrap(const crypto::Sealer& master, std::string_view account_id, const std::string& bytes) {
  const auto sealed = master.seal(bytes, wrap_context(account_id));
  return sealed.key_id + ":" + sealed.blob;
}

std::string unwrapped_bytes(const crypto::Sealer& master, std::string_view account_id, std::string_view wrapped) {
  const auto colon = wrapped.find(':');
  if (colon == std::string_view::npos) throw std::runtime_error("a wrapped account key must be KEYID:BLOB");
  return master.open(wrapped.substr(0, colon), wrapped.substr(colon + 1), wrap_context(account_id));
}

}  // namespace

std::pair<AccountKey, std::string> AccountKey::create(const crypto::Sealer& master, std::string_view account_id) {
  std::string bytes(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(bytes.size())) != 1) throw std::runtime_error("no randomness available");
  return {AccountKey(sealer_of(bytes)), wrap(master, account_id, bytes)};
}

AccountKey AccountKey::unwrap(const crypto::Sealer& master, std::string_view account_id, std::string_view wrapped) {
  return AccountKey(sealer_of(unwrapped_bytes(master, account_id, wrapped)));
}

std::optional<std::string> AccountKey::rewrapped(const crypto::Sealer& master, std::string_view account_id, std::string_view wrapped) {
  if (wrapped.starts_with(master.sealing_key_id() + ":")) return std::nullopt;
  return wrap(master, account_id, unwrapped_bytes(master, account_id, wrapped));
}

std::string AccountKey::seal(std::string_view plaintext, std::string_view context) const { return sealer_.seal(plaintext, context).blob; }

std::string AccountKey::open(std::string_view sealed, std::string_view context) const { return sealer_.open(account_key_id, sealed, context); }

}  // namespace rgw::personal
