#include "gateway/points/changes.hpp"

#include "gateway/core/format.hpp"
#include "gateway/points/tiers.hpp"

namespace rgw::points {
namespace {

// The program's date for a lot credited now, when the credit brings none.
std::optional<std::string> rule_expiry(const programs::Program& program, const std::optional<std::string>& own) {
  if (own) return own;
  const auto lapses = program.lot_expiry(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  if (!lapses) return std::nullopt;
  return rfc3339(*lapses);
}

}  // namespace

boost::asio::awaitable<ledger::result<ledger::Entry>> credit(pg::Transaction& tx, const programs::Program& program, const AccountId& account,
                                                            ledger::Credit credit) {
  credit.expires_at = rule_expiry(program, credit.expires_at);
  auto entry = co_await ledger::credit(tx, ProgramId(program.id), account, credit);
  if (entry) co_await retier(tx, account);
  co_return entry;
}

boost::asio::awaitable<ledger::result<ledger::Entry>> adjust(pg::Transaction& tx, const programs::Program& program, const AccountId& account,
                                                             ledger::Adjustment adjustment) {
  if (adjustment.points > 0) adjustment.expires_at = rule_expiry(program, adjustment.expires_at);
  auto entry = co_await ledger::adjust(tx, ProgramId(program.id), account, adjustment);
  if (entry) co_await retier(tx, account);
  co_return entry;
}

}  // namespace rgw::points
