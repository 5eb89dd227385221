#include "gateway/accounts/keys.hpp"

#include <stdexcept>

#include "gateway/core/digest.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/net/landing.hpp"

namespace rgw::auth {
namespace {

const pg::Query find_key{"auth_find_key",
                         "SELECT id, program_id, role FROM api_keys WHERE key_hash = decode($1, 'hex') AND revoked_at IS NULL"};
const pg::Query find_key_by_id{"auth_find_key_by_id", "SELECT id, program_id, role FROM api_keys WHERE id = $1 AND revoked_at IS NULL"};
const pg::Query insert_key{"auth_insert_key",
                           "INSERT INTO api_keys (id, program_id, role, key_hash) VALUES ($1, $2, $3, decode($4, 'hex'))"};
const pg::Query revoke_key{
    "auth_revoke_key",
    "WITH k AS (UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())"
    "           WHERE id = $1 AND ($2::text IS NULL OR program_id = $2) RETURNING id, program_id)"
    " SELECT id, program_id, pg_notify('rgw_key_revoked', id) FROM k"};

constexpr std::size_t max_cached_keys = 100'000;  // a bound, so the cache is no memory lever for an attacker
constexpr std::string_view by_id = "id:";  // cache entries of keys looked up by id (hashes are hex: no colon)

bool presentable(std::string_view secret) { return !secret.empty() && secret.size() <= 200; }

// The member a token names, if the key that minted it (`minter`) is a live cabinet key of the token's program.
Identified member_of(Identified minter, const MemberClaims& claims) {
  const bool live = minter.principal && minter.principal->role == Role::cabinet && minter.principal->program_id == claims.program_id;
  if (!live) return Identified{std::nullopt, minter.throttled};
  minter.principal->role = Role::member;
  minter.principal->account_id = claims.account_id;
  return minter;
}

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
    case Role::member: return "member";
  }
  return "cabinet";
}

KeyStore::KeyStore(std::string bootstrap_secret, std::chrono::steady_clock::duration ttl, double lookups_per_s)
    : bootstrap_hash_(bootstrap_secret.empty() ? std::string() : crypto::sha256_hex(bootstrap_secret)),
      ttl_(ttl),
      lookups_(lookups_per_s, 2 * lookups_per_s) {}

// One database look-up of a key and those waiting for its answer, on whatever threads they run. The answer is
// written before the landing finishes, so a waiter that has landed reads it without a lock.
struct KeyStore::Flight {
  net::Landing landing;
  std::optional<Principal> principal;
  std::exception_ptr error;

  void finish(std::optional<Principal> p, std::exception_ptr e) {
    principal = std::move(p);
    error = e;
    landing.finish();
  }
};

KeyStore::Admission KeyStore::admit(const std::string& hash, const boost::asio::ip::address& source, std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mutex_);
  Admission a;
  a.generation = generation_;
  for (auto* cache : {&known_, &unknown_}) {
    auto it = cache->find(hash);
    if (it == cache->end()) continue;
    auto& e = it->second;
    if (answerable(e, now)) {
      a.answer = Identified{e.principal, {}};
    } else {
      e.recheck_since = now;
      a.leader = true;
    }
    return a;
  }
  if (auto it = in_flight_.find(hash); it != in_flight_.end()) {
    a.flight = it->second;
    return a;
  }
  // Only a key nobody has asked about recently costs a database look-up: those are limited per source.
  if (auto wait = lookups_.admit(source.to_string(), now)) {
    ++lookups_throttled_;
    a.answer = Identified{{}, wait};
    return a;
  }
  a.flight = in_flight_.emplace(hash, std::make_shared<Flight>()).first->second;
  a.leader = true;
  return a;
}

bool KeyStore::answerable(const Entry& e, std::chrono::steady_clock::time_point now) const {
  return now - e.checked < ttl_ || (e.recheck_since && now - *e.recheck_since < ttl_);
}

std::optional<Identified> KeyStore::cached(const std::string& entry) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  for (auto* cache : {&known_, &unknown_})
    if (auto it = cache->find(entry); it != cache->end() && answerable(it->second, now)) return Identified{it->second.principal, {}};
  return std::nullopt;
}

std::optional<Identified> KeyStore::remembered(std::string_view secret) {
  if (!presentable(secret)) return Identified{};
  return cached(crypto::sha256_hex(secret));
}

std::optional<Identified> KeyStore::remembered_member(const MemberClaims& claims) {
  auto minter = cached(std::string(by_id) + claims.key_id);
  if (!minter) return std::nullopt;
  return member_of(std::move(*minter), claims);
}

boost::asio::awaitable<Identified> KeyStore::authenticate(pg::Pool& db, std::string_view secret, const boost::asio::ip::address& source) {
  Identified out;
  if (!presentable(secret)) co_return out;
  const std::string hash = crypto::sha256_hex(secret);
  // Hashes are compared, never secrets: a timing difference tells nothing about a key.
  if (!bootstrap_hash_.empty() && crypto::equal_constant_time(hash, bootstrap_hash_)) {
    out.principal = Principal{true, "", "", Role::admin, std::nullopt};
    co_return out;
  }
  co_return co_await identify(db, hash, source);
}

boost::asio::awaitable<Identified> KeyStore::authenticate_member(pg::Pool& db, const MemberClaims& claims, const boost::asio::ip::address& source) {
  const std::string entry = std::string(by_id) + claims.key_id;  // named: GCC 12 mishandles temporaries across co_await
  auto minter = co_await identify(db, entry, source);
  co_return member_of(std::move(minter), claims);
}

boost::asio::awaitable<Identified> KeyStore::identify(pg::Pool& db, const std::string& hash, const boost::asio::ip::address& source) {
  Identified out;
  const auto now = std::chrono::steady_clock::now();
  auto admission = admit(hash, source, now);
  if (admission.answer) co_return std::move(*admission.answer);
  if (!admission.leader) {
    co_await admission.flight->landing.wait();
    if (admission.flight->error) std::rethrow_exception(admission.flight->error);
    out.principal = admission.flight->principal;
    co_return out;
  }

  // However this coroutine ends (even destroyed mid-wait at shutdown), the key leaves the flight table and its
  // waiters are answered.
  struct Landing {
    Landing(KeyStore& s, const std::string& h, std::shared_ptr<Flight> f, std::uint64_t g, std::chrono::steady_clock::time_point a)
        : store(s), hash(h), flight(std::move(f)), generation(g), asked(a) {}
    KeyStore& store;
    const std::string& hash;
    std::shared_ptr<Flight> flight;
    std::uint64_t generation;
    std::chrono::steady_clock::time_point asked;
    std::optional<Principal> found;
    std::exception_ptr error = std::make_exception_ptr(std::runtime_error("key look-up abandoned"));
    ~Landing() {
      {
        std::lock_guard lock(store.mutex_);
        // Only this look-up's own entry: a re-check (no flight) must not drop a cold look-up begun meanwhile.
        if (auto it = store.in_flight_.find(hash); flight && it != store.in_flight_.end() && it->second == flight) store.in_flight_.erase(it);
        if (error) {
          for (auto* cache : {&store.known_, &store.unknown_})
            if (auto it = cache->find(hash); it != cache->end()) it->second.recheck_since.reset();
        } else {
          store.known_.erase(hash);
          store.unknown_.erase(hash);
          if (generation == store.generation_) {
            auto& cache = found ? store.known_ : store.unknown_;
            if (cache.size() >= max_cached_keys) cache.clear();
            cache[hash] = Entry{found, asked, std::nullopt};
          }
        }
      }
      if (flight) flight->finish(found, error);
    }
  };
  Landing landing(*this, hash, admission.flight, admission.generation, now);
  try {
    landing.found = co_await look_up(db, hash);
    landing.error = nullptr;
  } catch (...) {
    landing.error = std::current_exception();  // a pg::Error: the waiters get it too
    throw;
  }
  out.principal = landing.found;
  co_return out;
}

boost::asio::awaitable<std::optional<Principal>> KeyStore::look_up(pg::Pool& db, const std::string& hash) {
  ++lookups_made_;
  auto find = hash.starts_with(by_id) ? pg::statement(find_key_by_id, hash.substr(by_id.size())) : pg::statement(find_key, hash);
  auto rows = co_await db.exec(std::move(find));
  if (rows.empty()) co_return std::nullopt;
  const auto row = rows.front();
  co_return Principal{false, std::string(row.text("id")), std::string(row.text("program_id")), *parse_role(row.text("role")), std::nullopt};
}

boost::asio::awaitable<CreatedKey> KeyStore::create(pg::Pool& db, const std::string& program_id, Role role, audit::Entry audit) {
  CreatedKey key{new_id("key"), role, "rgw_" + crypto::random_token(32)};
  audit.target = key.id;
  auto tx = co_await pg::Transaction::begin(db);
  std::vector<pg::Statement> writes{pg::statement(insert_key, key.id, program_id, role_name(role), crypto::sha256_hex(key.secret)), audit::record(audit)};
  co_await tx.commit(std::move(writes));
  co_return key;
}

boost::asio::awaitable<bool> KeyStore::revoke(pg::Pool& db, const std::string& id, const std::optional<std::string>& program_id, const audit::Entry& audit) {
  auto tx = co_await pg::Transaction::begin(db);
  auto rows = co_await tx.exec(pg::statement(revoke_key, id, program_id));
  if (rows.empty()) {
    co_await tx.rollback();
    co_return false;
  }
  auto entry = audit;
  entry.program_id = std::string(rows.front().text("program_id"));  // the key's program, whoever revoked it
  std::vector<pg::Statement> audited{audit::record(entry)};
  co_await tx.commit(std::move(audited));
  forget(id);
  co_return true;
}

void KeyStore::forget(std::string_view key_id) {
  std::lock_guard lock(mutex_);
  ++generation_;
  std::erase_if(known_, [key_id](const auto& kv) { return kv.second.principal->key_id == key_id; });
}

void KeyStore::forget_all() {
  std::lock_guard lock(mutex_);
  ++generation_;
  known_.clear();
  unknown_.clear();
}

}  // namespace rgw::auth
