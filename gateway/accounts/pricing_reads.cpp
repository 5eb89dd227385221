#include "gateway/accounts/pricing_reads.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <vector>

namespace rgw::ledger {

namespace asio = boost::asio;

namespace {
// Row `n` answers the n-th read (1-based); a read of an account the program does not have has no row. OFFSET 0
// keeps the lookup a subquery run per read, by the primary key: joined, the planner may hash the whole accounts
// table for a statement planned once for any number of reads.
const pg::Query select_pricing_accounts{
    "ledger_select_pricing_accounts",
    "SELECT x.n, a.tier, a.spendable FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(id, program_id, n),"
    " LATERAL (SELECT coalesce(tier_override, tier_by_rule) AS tier, balance - rgw_lapsed_points(id) AS spendable"
    "          FROM accounts WHERE id = x.id AND program_id = x.program_id OFFSET 0) a"};
}  // namespace

struct PricingReads::Pending {
  Pending(ProgramId p, AccountId a, const asio::any_io_executor& executor)
      : program(std::move(p)), account(std::move(a)), done(executor, asio::steady_timer::time_point::max()) {}
  ProgramId program;
  AccountId account;
  asio::steady_timer done;  // cancelled when answered
  bool answered = false;
  std::optional<PricingAccount> found;
  std::exception_ptr error;
};

PricingReads::PricingReads(std::shared_ptr<pg::Pool> db, metrics::Counter& statements, std::size_t max_reads)
    : db_(std::move(db)), statements_(statements), max_reads_(max_reads) {}

asio::awaitable<std::optional<PricingAccount>> PricingReads::find(const ProgramId& program, const AccountId& account) {
  const auto executor = co_await asio::this_coro::executor;
  auto pending = std::make_shared<Pending>(program, account, executor);
  queue_.push_back(pending);
  if (!reading_) {
    reading_ = true;
    asio::co_spawn(executor, read_queued(shared_from_this()), asio::detached);
  }
  while (!pending->answered) co_await pending->done.async_wait(asio::as_tuple(asio::use_awaitable));
  if (pending->error) std::rethrow_exception(pending->error);
  co_return std::move(pending->found);
}

asio::awaitable<void> PricingReads::read_queued([[maybe_unused]] std::shared_ptr<PricingReads> self) {
  while (!queue_.empty()) {
    std::vector<std::shared_ptr<Pending>> reads;
    std::vector<std::string> accounts, programs;
    while (!queue_.empty() && reads.size() < max_reads_) {
      reads.push_back(std::move(queue_.front()));
      queue_.pop_front();
      accounts.push_back(reads.back()->account.str());
      programs.push_back(reads.back()->program.str());
    }
    statements_.add();
    try {
      const auto rows = co_await db_->exec(pg::statement(select_pricing_accounts, accounts, programs));
      for (int r = 0; r < rows.size(); ++r)
        reads[static_cast<std::size_t>(rows[r].int64("n") - 1)]->found = PricingAccount{rows[r].optional_string("tier"), rows[r].int64("spendable")};
    } catch (...) {
      for (auto& read : reads) read->error = std::current_exception();
    }
    for (auto& read : reads) {
      read->answered = true;
      read->done.cancel();
    }
  }
  reading_ = false;
}

}  // namespace rgw::ledger
