#include "gateway/auth/keys.hpp"

#include "gateway/crypto/digest.hpp"
#include "gateway/ids.hpp"

namespace rgw::auth {
namespace {

const pg::Query find_key{"auth_find_key",
                         "SELECT id, program_id, role FROM api_keys WHERE key_hash = decode($1, 'hex') AND revoked_at IS NULL"};
const pg::Query insert_key{"auth_insert_key",
                           "INSERT INTO api_keys (id, program_id, role, key_hash) VALUES ($1, $2, $3, decode($4, 'hex'))"};
const pg::Query revoke_key{
    "auth_revoke_key",
    "WITH k AS (UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())"
    "           WHERE id = $1 AND ($2::text IS NULL OR program_id = $2) RETURNING id)"
    " SELECT id, pg_notify('rgw_key_revoked', id) FROM k"};

constexpr std::size_t max_cached_keys = 100'000;  // a bound, so the cache is no memory lever for an attacker

}  // namespace

std::optional<Role> parse_role(std::string_view name) {
  if (name == "cabinet") return Role::cabinet;
  if (name == "finance") return Role::finance;
  if (name == "ops") return Role::ops;
  if (name == "admin") return Role::admin;
  return std::nullopt;
}

std::string_view role_name(Role role) {
  switch (role) {
    case Role::cabinet: return "cabinet";
    case Role::finance: return "finance";
    case Role::ops: return "ops";
    case Role::admin: return "admin";
  }
  return "cabinet";
}

KeyStore::KeyStore(std::string bootstrap_secret, std::chrono::steady_clock::duration ttl)
    : bootstrap_hash_(bootstrap_secret.empty() ? std::string() : crypto::sha256_hex(bootstrap_secret)), ttl_(ttl) {}

boost::asio::awaitable<std::optional<Principal>> KeyStore::authenticate(pg::Pool& db, std::string_view secret) {
  if (secret.empty() || secret.size() > 200) co_return std::nullopt;
  const std::string hash = crypto::sha256_hex(secret);
  // Hashes are compared, never secrets: a timing difference tells nothing about a key.
  if (!bootstrap_hash_.empty() && crypto::equal_constant_time(hash, bootstrap_hash_)) co_return Principal{true, "", "", Role::admin};
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto it = by_hash_.find(hash);
    if (it != by_hash_.end() && now - it->second.checked < ttl_) co_return it->second.principal;
  }
  auto rows = co_await db.exec(pg::statement(find_key, hash));
  std::lock_guard lock(mutex_);
  if (rows.empty()) {
    by_hash_.erase(hash);
    co_return std::nullopt;
  }
  const auto row = rows.front();
  Principal p{false, std::string(row.text("id")), std::string(row.text("program_id")), *parse_role(row.text("role"))};
  if (by_hash_.size() >= max_cached_keys) by_hash_.clear();
  by_hash_[hash] = entry{p, now};
  co_return p;
}

boost::asio::awaitable<CreatedKey> KeyStore::create(pg::Pool& db, const std::string& program_id, Role role) {
  CreatedKey key{new_id("key"), role, "rgw_" + crypto::random_token(32)};
  co_await db.exec(pg::statement(insert_key, key.id, program_id, role_name(role), crypto::sha256_hex(key.secret)));
  co_return key;
}

boost::asio::awaitable<bool> KeyStore::revoke(pg::Pool& db, const std::string& id, const std::optional<std::string>& program_id) {
  auto rows = co_await db.exec(pg::statement(revoke_key, id, program_id));
  forget(id);
  co_return !rows.empty();
}

void KeyStore::forget(std::string_view key_id) {
  std::lock_guard lock(mutex_);
  std::erase_if(by_hash_, [key_id](const auto& kv) { return kv.second.principal.key_id == key_id; });
}

void KeyStore::forget_all() {
  std::lock_guard lock(mutex_);
  by_hash_.clear();
}

}  // namespace rgw::auth
