#pragma once
// The ground the modules' pg-level tests stand on: a scratch database with the rewardgw schema, a pool on it,
// and a program with one account. Statements run as the modules build them; the helpers read the books back.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/ids.hpp"
#include "gateway/core/sealer.hpp"
#include "gateway/pg/pool.hpp"
#include "tests/support/run.hpp"
#include "tests/support/scratch_database.hpp"

namespace rgw::test {

class SchemaTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // Runs statements in one implicit transaction (all commit, or none), returning each one's rows.
  std::vector<pg::Result> exec(std::vector<pg::Statement> statements);
  pg::Result exec(pg::Statement statement) { return exec(std::vector<pg::Statement>{std::move(statement)}).front(); }
  // exec(), returning the database's refusal (pg::sqlstate) instead of throwing it; no error on success.
  boost::system::error_code refusal_of(std::vector<pg::Statement> statements);

  // Another program (EUR, 0.01 per point); SetUp makes the first.
  ProgramId add_program();
  // A redemption row for `points` of this program's account, as accepting one writes it (status accepted).
  RedemptionId insert_order(std::int64_t points, const std::string& provider_key = "");
  // The statement insert_order runs, as order `id` of `program`: for a test that expects it refused.
  pg::Statement order_statement(const RedemptionId& id, const ProgramId& program, std::int64_t points, const std::string& provider_key = "");
  std::int64_t balance();
  std::int64_t ledger_sum();       // of the account's entries: equals the balance at every commit
  std::int64_t lots_remaining();   // unspent points in the account's lots: equals the balance while none expired

  boost::asio::io_context io;
  const crypto::Sealer master = crypto::Sealer::from_text("schema-test:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");  // a test's own key
  std::optional<ScratchDatabase> db;
  std::shared_ptr<pg::Pool> pool;
  ProgramId program_id{""};
  AccountId account_id{""};
};

}  // namespace rgw::test
