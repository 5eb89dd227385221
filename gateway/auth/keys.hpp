#pragma once
// API keys: roles, the bootstrap key, and a process-wide cache of key hashes with prompt revocation.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gateway/pg/pool.hpp"

namespace rgw::auth {

enum class Role { cabinet, finance, ops, admin };

std::optional<Role> parse_role(std::string_view name);
std::string_view role_name(Role role);

// Who is calling. The bootstrap key belongs to no program and may only manage programs and their keys.
struct Principal {
  bool bootstrap = false;
  std::string key_id;
  std::string program_id;
  Role role = Role::cabinet;
};

struct CreatedKey {
  std::string id;
  Role role;
  std::string secret;  // shown once, at creation; only its SHA-256 is stored
};

class KeyStore {
 public:
  // NOTIFY channel on which every process hears of revocations.
  static constexpr const char* revocation_channel = "rgw_key_revoked";

  // An empty bootstrap secret disables the bootstrap key. Cached keys are re-checked after `ttl`, the bound on
  // how long another process may still accept a revoked key if it missed the notification.
  explicit KeyStore(std::string bootstrap_secret, std::chrono::steady_clock::duration ttl = std::chrono::seconds(5));

  // nullopt for an unknown or revoked key. Throws pg::Error when the database is needed and unreachable.
  boost::asio::awaitable<std::optional<Principal>> authenticate(pg::Pool& db, std::string_view secret);
  boost::asio::awaitable<CreatedKey> create(pg::Pool& db, const std::string& program_id, Role role);
  // Revokes key `id` if it belongs to `program_id` (any program when nullopt); false when there is no such key.
  // Other processes are told through revocation_channel.
  boost::asio::awaitable<bool> revoke(pg::Pool& db, const std::string& id, const std::optional<std::string>& program_id);
  // Drops a key from this process's cache (called on revocation, local or notified).
  void forget(std::string_view key_id);
  // Drops every cached key (after the notification listener reconnects: it may have missed some).
  void forget_all();

 private:
  struct entry {
    Principal principal;
    std::chrono::steady_clock::time_point checked;
  };
  std::string bootstrap_hash_;
  std::chrono::steady_clock::duration ttl_;
  std::mutex mutex_;
  std::unordered_map<std::string, entry> by_hash_;
};

}  // namespace rgw::auth
