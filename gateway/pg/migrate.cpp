#include "gateway/pg/migrate.hpp"

#include "gateway/pg/connection.hpp"

#include <algorithm>

namespace rgw::pg {
namespace {

using namespace std::chrono_literals;

// Any constant shared by all rewardgw processes; it only has to differ from other users of advisory locks.
const Query lock_migrations{"rgw_migrate_lock", "SELECT pg_advisory_lock(7260311001)"};
const Query unlock_migrations{"rgw_migrate_unlock", "SELECT pg_advisory_unlock(7260311001)"};
const Query applied_versions{"rgw_migrate_applied", "SELECT version FROM schema_migrations"};
const Query record_version{"rgw_migrate_record",
                           "INSERT INTO schema_migrations (version, name) VALUES ($1::int, $2)"};
const char* create_table =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())";

}  // namespace

boost::asio::awaitable<int> migrate(const std::string& conninfo, std::span<const Migration> migrations) {
  auto conn = co_await Connection::connect(conninfo, 10s, 0s);  // 0: no statement timeout for DDL
  co_await conn->exec(statement(lock_migrations), 120s);
  co_await conn->exec_script(create_table, 30s);
  auto done = co_await conn->exec(statement(applied_versions), 30s);
  std::vector<int> applied;
  for (int i = 0; i < done.size(); ++i) applied.push_back(static_cast<int>(done[i].int64("version")));
  int count = 0;
  for (const Migration& m : migrations) {
    if (std::find(applied.begin(), applied.end(), m.version) != applied.end()) continue;
    co_await conn->exec_script(std::string("BEGIN;\n") + m.sql + "\n;", 300s);
    co_await conn->exec(statement(record_version, m.version, m.name), 30s);
    co_await conn->exec_script("COMMIT", 30s);
    ++count;
  }
  co_await conn->exec(statement(unlock_migrations), 30s);
  co_return count;
}

}  // namespace rgw::pg
