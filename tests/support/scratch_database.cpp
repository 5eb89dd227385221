#include "tests/support/scratch_database.hpp"

#include "gateway/pg/pool.hpp"
#include "tests/support/gateway.hpp"

namespace rgw::test {
namespace {

void admin(const std::string& sql) {
  boost::asio::io_context io;
  auto pool = pg::Pool::create(io.get_executor(), pg::PoolConfig{database_url()});
  run(io, [](pg::Pool& p, std::string sql) -> boost::asio::awaitable<void> {
    auto lease = co_await p.acquire();
    co_await lease.connection().exec_script(sql, std::chrono::seconds(30));
  }(*pool, sql));
}

}  // namespace

// The URL scripts/pg prints is postgresql:///DB?host=...; the database name is swapped.
ScratchDatabase::ScratchDatabase() : name("rgw_scratch_" + unique_suffix()) {
  const std::string base = database_url();
  url = base.substr(0, base.find("///") + 3) + name + base.substr(base.find('?'));
  admin("CREATE DATABASE " + name);
}

ScratchDatabase::~ScratchDatabase() { drop(); }

void ScratchDatabase::drop() { admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); }

}  // namespace rgw::test
