#include "tests/support/schema.hpp"

#include "gateway/accounts/ledger.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/db/schema.hpp"
#include "gateway/pg/error.hpp"
#include "gateway/pg/migrate.hpp"

namespace rgw::test {
namespace {

const pg::Query insert_program{"t_schema_program",
                               "INSERT INTO programs (id, name, base_currency, point_value, timezone) VALUES ($1, 'Test', 'EUR', 0.01, 'Europe/Berlin')"};
const pg::Query insert_redemption{
    "t_schema_order",
    "INSERT INTO redemptions (id, program_id, account_id, sku, status, face_amount, face_currency, points, base_amount, base_currency,"
    "                         mid_rate, applied_rate, markup_bps, tier_discount_bps, rates_source, rates_as_of, provider_key)"
    " VALUES ($1, $2, $3, 'AMZ', 'accepted', 10, 'EUR', $4::bigint, 10, 'EUR', 1, 1, 0, 0, 'ecb', now(), $5)"};
const pg::Query books{
    "t_schema_books",
    "SELECT (SELECT balance FROM accounts WHERE id = $1) AS balance,"
    "       (SELECT coalesce(sum(points), 0) FROM ledger_entries WHERE account_id = $1) AS ledger,"
    "       (SELECT coalesce(sum(remaining), 0) FROM point_lots WHERE account_id = $1) AS lots"};

}  // namespace

void SchemaTest::SetUp() {
  RGW_REQUIRE_DATABASE();
  db.emplace();
  run(io, pg::migrate(db->url, db::migrations()));
  pool = pg::Pool::create(io.get_executor(), pg::PoolConfig{db->url});
  program_id = add_program();
  auto account = run(io, ledger::create_account(*pool, program_id, ledger::NewAccount{"ext-1", "Test Account", std::nullopt}, master));
  account_id = AccountId(account.value().id);
}

ProgramId SchemaTest::add_program() {
  ProgramId id(new_id("prg"));
  exec(pg::statement(insert_program, id));
  return id;
}

std::vector<pg::Result> SchemaTest::exec(std::vector<pg::Statement> statements) {
  return run(io, [](pg::Pool& p, std::vector<pg::Statement> s) -> boost::asio::awaitable<std::vector<pg::Result>> {
    co_return co_await p.pipeline(s);
  }(*pool, std::move(statements)));
}

boost::system::error_code SchemaTest::refusal_of(std::vector<pg::Statement> statements) {
  try {
    exec(std::move(statements));
    return {};
  } catch (const pg::Error& e) {
    return e.code();
  }
}

pg::Statement SchemaTest::order_statement(const RedemptionId& id, const ProgramId& program, std::int64_t points, const std::string& provider_key) {
  return pg::statement(insert_redemption, id, program, account_id, points, provider_key.empty() ? new_id("rgw") : provider_key);
}

RedemptionId SchemaTest::insert_order(std::int64_t points, const std::string& provider_key) {
  const RedemptionId id(new_id("red"));
  exec(order_statement(id, program_id, points, provider_key));
  return id;
}

std::int64_t SchemaTest::balance() { return exec(pg::statement(books, account_id)).front().int64("balance"); }
std::int64_t SchemaTest::ledger_sum() { return exec(pg::statement(books, account_id)).front().int64("ledger"); }
std::int64_t SchemaTest::lots_remaining() { return exec(pg::statement(books, account_id)).front().int64("lots"); }

}  // namespace rgw::test
