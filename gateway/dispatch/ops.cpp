#include "gateway/dispatch/ops.hpp"

#include <algorithm>
#include <array>
#include <span>
#include <variant>

#include "gateway/dispatch/jobs.hpp"
#include "gateway/redemptions/store.hpp"

namespace rgw::dispatch::ops {
namespace {

const pg::Query order_state{
    "ops_order_state",
    "SELECT r.status, coalesce(j.lease_until > now(), false) AS leased"
    " FROM redemptions r LEFT JOIN dispatch_jobs j ON j.redemption_id = r.id WHERE r.id = $1 AND r.program_id = $2"};

// A worker's claim, taken only while no worker holds the job; due again when the lease would end, like a claim.
const pg::Query take_lease{
    "ops_take_lease",
    "UPDATE dispatch_jobs SET lease_token = nextval('dispatch_lease_tokens'), lease_owner = $2,"
    "       lease_until = now() + interval '30 seconds', due_at = now() + interval '30 seconds'"
    " WHERE redemption_id = $1 AND (lease_until IS NULL OR lease_until < now()) RETURNING lease_token"};

// Hands the job back as it was, due now (the action was refused after all: the order moved meanwhile).
const pg::Query release_lease{
    "ops_release_lease",
    "UPDATE dispatch_jobs SET due_at = now(), lease_token = NULL, lease_owner = NULL, lease_until = NULL"
    " WHERE redemption_id = $1 AND lease_token = $2::bigint"};

const pg::Query make_due{
    "ops_make_due",
    "UPDATE dispatch_jobs SET due_at = now() WHERE redemption_id = $1 AND (lease_until IS NULL OR lease_until < now())"};

using Taken = std::variant<Claim, Refused>;

// Only where no provider call may have made an order: accepted, or retrying (nothing is outstanding anywhere).
constexpr std::array cancellable{Status::accepted, Status::retrying};
constexpr std::array unknown_only{Status::unknown};

struct State {
  Status status;
  bool leased;
};

boost::asio::awaitable<std::variant<State, Refused>> state_of(pg::Pool& db, const std::string& program_id, const std::string& id) {
  const auto rows = co_await db.exec(pg::statement(order_state, id, program_id));
  if (rows.empty()) co_return Refused::no_such_order;
  const auto status = redemptions::parse_status(rows[0].text("status")).value();
  if (redemptions::is_final(status)) co_return Refused::final;
  co_return State{status, rows[0].boolean("leased")};
}

// The order's lease, when it is in one of `allowed` (else `otherwise`) and no worker holds it.
boost::asio::awaitable<Taken> take(pg::Pool& db, const std::string& program_id, const std::string& id, std::span<const Status> allowed,
                                   Refused otherwise, const audit::Entry& audit) {
  auto state = co_await state_of(db, program_id, id);
  if (auto* refused = std::get_if<Refused>(&state)) co_return *refused;
  const auto [status, leased] = std::get<State>(state);
  if (std::find(allowed.begin(), allowed.end(), status) == allowed.end()) co_return otherwise;
  if (leased) co_return Refused::busy;
  const auto taken = co_await db.exec(pg::statement(take_lease, id, "ops:" + audit.key_id));
  if (taken.empty()) co_return Refused::busy;  // a worker claimed it in between
  co_return Claim{id, taken[0].int64("lease_token")};
}

// Moves the taken order as `move` says if it is still in one of `allowed`; else hands it back and refuses.
boost::asio::awaitable<Refused> settle(pg::Pool& db, const Claim& claim, std::span<const Status> allowed, Refused otherwise, const Move& move) {
  const auto order = co_await jobs::load(db, claim);
  if (!order) co_return Refused::busy;
  if (std::find(allowed.begin(), allowed.end(), order->status) == allowed.end()) {
    co_await db.exec(pg::statement(release_lease, claim.redemption_id, claim.token));
    co_return otherwise;
  }
  if (!co_await jobs::finish(db, claim, order->status, std::nullopt, move)) co_return Refused::busy;
  co_return Refused::none;
}

}  // namespace

boost::asio::awaitable<Refused> retry(pg::Pool& db, const std::string& program_id, const std::string& id, const audit::Entry& audit) {
  auto state = co_await state_of(db, program_id, id);
  if (auto* refused = std::get_if<Refused>(&state)) co_return *refused;
  auto tx = co_await pg::Transaction::begin(db);
  std::vector<pg::Statement> writes{pg::statement(make_due, id), audit::record(audit), redemptions::wake_dispatchers()};  // named: GCC 12
  co_await tx.commit(std::move(writes));
  co_return Refused::none;
}

boost::asio::awaitable<Refused> cancel(pg::Pool& db, const std::string& program_id, const std::string& id, const std::string& reason,
                                       const audit::Entry& audit) {
  const auto taken = co_await take(db, program_id, id, cancellable, Refused::may_exist_at_provider, audit);
  if (auto* refused = std::get_if<Refused>(&taken)) co_return *refused;
  Move move;
  move.to = Status::failed;
  move.failure_code = "cancelled";
  move.reason = "cancelled by ops: " + reason;
  move.also.push_back(audit::record(audit));
  co_return co_await settle(db, std::get<Claim>(taken), cancellable, Refused::may_exist_at_provider, move);
}

boost::asio::awaitable<Refused> resolve(pg::Pool& db, const std::string& program_id, const std::string& id, const Resolution& r, const audit::Entry& audit) {
  const auto taken = co_await take(db, program_id, id, unknown_only, Refused::not_unknown, audit);
  if (auto* refused = std::get_if<Refused>(&taken)) co_return *refused;
  Move move;
  // not_issued: the provider has nothing under the key, so issuing again with it cannot make a second order.
  move.to = r.issued ? Status::issued : Status::retrying;
  move.provider_ref = r.issued ? r.provider_ref : "";
  move.reason = (r.issued ? "resolved as issued by ops: " : "resolved as not issued by ops: ") + r.reason;
  move.also.push_back(audit::record(audit));
  if (!r.issued) move.also.push_back(redemptions::wake_dispatchers());
  co_return co_await settle(db, std::get<Claim>(taken), unknown_only, Refused::not_unknown, move);
}

}  // namespace rgw::dispatch::ops
