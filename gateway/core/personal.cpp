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

// The first UTF-8 character of `text` (its lead byte and continuation bytes).
std::string_view first_character(std::string_view text) {
  std::size_t n = text.empty() ? 0 : 1;
  while (n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) ++n;
  return text.substr(0, n);
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
