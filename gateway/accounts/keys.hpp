#pragma once
// API keys: roles, the bootstrap key, and a process-wide cache of key hashes with prompt revocation.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gateway/accounts/member_tokens.hpp"
#include "gateway/audit/audit.hpp"
#include "gateway/accounts/rate_limiter.hpp"
#include "gateway/pg/pool.hpp"

namespace rgw::auth {

// `member` is no key's role: it is the role of a member token (member_tokens.hpp), bound to one account.
enum class Role { cabinet, finance, ops, admin, member };

// The role of an API key: member is not one.
std::optional<Role> parse_role(std::string_view name);
std::string_view role_name(Role role);

// Who is calling. The bootstrap key belongs to no program and may only manage programs and their keys.
struct Principal {
  bool bootstrap = false;
  std::string key_id;  // a member's: the cabinet key that minted its token
  std::string program_id;
  Role role = Role::cabinet;
  std::optional<std::string> account_id;  // a member's account: the only one it may see
};

// What a presented key turned out to be.
struct Identified {
  std::optional<Principal> principal;  // nullopt: unknown or revoked, or not looked up (see throttled)
  // Set when the key was not in the cache and its source has looked up too many keys lately: try again after.
  std::optional<std::chrono::milliseconds> throttled;
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
  // how long another process may still accept a revoked key if it missed the notification. Database look-ups of
  // keys not in the cache are limited per source address to `lookups_per_s` (burst twice that).
  explicit KeyStore(std::string bootstrap_secret, std::chrono::steady_clock::duration ttl = std::chrono::seconds(5), double lookups_per_s = 50);

  // Who holds `secret`, presented from `source` (the peer's address). The database is asked at most once at a
  // time per key: others asking for the same key meanwhile wait for that answer, or, when the key is cached and
  // only due for its re-check, get the cached answer at once. Unknown keys are remembered for the ttl too.
  // Throws pg::Error when the database is needed and unreachable.
  boost::asio::awaitable<Identified> authenticate(pg::Pool& db, std::string_view secret, const boost::asio::ip::address& source);
  // The cache's answer for `secret` when it may be given as it is, without a coroutine (most requests); nullopt:
  // call authenticate (a look-up, a re-check due, the bootstrap key).
  std::optional<Identified> remembered(std::string_view secret);
  // The member of a verified token, while the cabinet key that minted it is live (the key is cached and revoked
  // like any key, so a token costs no database round trip either).
  boost::asio::awaitable<Identified> authenticate_member(pg::Pool& db, const MemberClaims& claims, const boost::asio::ip::address& source);
  // The same from the cache when its answer for the minting key may be given as it is; nullopt: call
  // authenticate_member.
  std::optional<Identified> remembered_member(const MemberClaims& claims);
  // `audit` (its target set to the new key's id) is written in the same transaction.
  boost::asio::awaitable<CreatedKey> create(pg::Pool& db, const std::string& program_id, Role role, audit::Entry audit);
  // Revokes key `id` if it belongs to `program_id` (any program when nullopt); false when there is no such key.
  // Other processes are told through revocation_channel.
  boost::asio::awaitable<bool> revoke(pg::Pool& db, const std::string& id, const std::optional<std::string>& program_id, const audit::Entry& audit);
  // Drops a key from this process's cache (called on revocation, local or notified).
  void forget(std::string_view key_id);
  // Drops every cached key (after the notification listener reconnects: it may have missed some).
  void forget_all();

  // Since start: keys looked up in the database, and look-ups refused by the per-source limit (for /metrics).
  std::uint64_t lookups() const noexcept { return lookups_made_; }
  std::uint64_t lookups_throttled() const noexcept { return lookups_throttled_; }

 private:
  struct Entry {
    std::optional<Principal> principal;  // nullopt: no such key (remembered so that retries do not reach the database)
    std::chrono::steady_clock::time_point checked;
    std::optional<std::chrono::steady_clock::time_point> recheck_since;  // when a re-check began, while it runs
  };
  struct Flight;
  struct Admission {
    std::optional<Identified> answer;  // from the cache, or a refusal: no look-up
    std::shared_ptr<Flight> flight;    // the look-up to wait for (or to lead, for a key not cached)
    bool leader = false;               // this request looks the key up
    std::uint64_t generation = 0;
  };
  // A key by its cache entry: its hash, or "id:<key id>" for the key that minted a member token.
  boost::asio::awaitable<Identified> identify(pg::Pool& db, const std::string& hash, const boost::asio::ip::address& source);
  // A cached answer is given while fresh, or while its re-check runs (for less than a ttl, in case its coroutine
  // never ended).
  bool answerable(const Entry& e, std::chrono::steady_clock::time_point now) const;
  // The cache's answer for an entry (a hash, or by_id + a key id) when answerable; nullopt: ask identify.
  std::optional<Identified> cached(const std::string& entry);
  Admission admit(const std::string& hash, const boost::asio::ip::address& source, std::chrono::steady_clock::time_point now);
  boost::asio::awaitable<std::optional<Principal>> look_up(pg::Pool& db, const std::string& hash);

  std::string bootstrap_hash_;
  std::chrono::steady_clock::duration ttl_;
  RateLimiter lookups_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> known_, unknown_;  // apart, so a flood of made-up keys cannot evict real ones
  std::unordered_map<std::string, std::shared_ptr<Flight>> in_flight_;
  std::uint64_t generation_ = 0;
  std::atomic<std::uint64_t> lookups_made_{0}, lookups_throttled_{0};  // bumped by forget(): an answer read before a revocation is not cached after it
};

}  // namespace rgw::auth
