// POST /v1/accounts, GET /v1/accounts/{id}, POST /v1/accounts/{id}/credits, GET /v1/accounts/{id}/ledger.
#include "gateway/api/input.hpp"
#include "gateway/api/route.hpp"
#include "gateway/accounts/ledger.hpp"

namespace rgw::api {
namespace {

using auth::Role;

// Largest single credit: far above any real grant, far below where balances could overflow.
constexpr std::int64_t max_credit_points = 1'000'000'000'000;

nlohmann::json to_json(const ledger::Account& a) {
  nlohmann::json expiring = nlohmann::json::array();
  for (const auto& lot : a.expiring) expiring.push_back({{"points", lot.points}, {"expires_at", lot.expires_at}});
  return {{"id", a.id},         {"external_ref", a.external_ref}, {"name", a.name},         {"tier", or_null(a.tier)},
          {"balance", a.balance}, {"expiring", expiring},           {"created_at", a.created_at}};
}

nlohmann::json to_json(const ledger::Entry& e) {
  return {{"id", e.id},
          {"kind", e.kind},
          {"points", e.points},
          {"balance_after", e.balance_after},
          {"redemption_id", or_null(e.redemption_id)},
          {"reason", or_null(e.reason)},
          {"expires_at", or_null(e.expires_at)},
          {"created_at", e.created_at}};
}

boost::asio::awaitable<http::Reply> create_account(Call& call) {
  Input in(call.request);
  const auto body = in.body(call.settings.json_depth);
  in.only_fields(body, {"external_ref", "name", "tier"});
  ledger::NewAccount account{in.required_string(body, "external_ref"), in.required_string(body, "name"), in.optional_string(body, "tier", 50)};
  if (in.refused()) co_return in.refusal();
  auto created = co_await ledger::create_account(call.db, call.program_id(), account);
  if (!created) co_return refusal(errc::conflict, "an account with this external_ref exists in the program");
  co_return json_response(http::Status::created, to_json(*created));
}

boost::asio::awaitable<http::Reply> get_account(Call& call) {
  auto account = co_await ledger::find_account(call.db, call.program_id(), AccountId(call.params[0]));
  if (!account) co_return refusal(errc::not_found, "no such account");
  co_return json_response(http::Status::ok, to_json(*account));
}

boost::asio::awaitable<http::Reply> credit_account(Call& call) {
  Input in(call.request);
  const auto key = idempotency_key(call.request, in);
  const auto body = in.body(call.settings.json_depth);
  in.only_fields(body, {"points", "reason", "expires_at"});
  ledger::Credit credit{in.required_integer(body, "points", 1, max_credit_points), in.required_string(body, "reason", 500), std::nullopt};
  if (auto expires = in.optional_timestamp(body, "expires_at")) {
    if (*expires <= std::chrono::system_clock::now()) in.refuse(errc::invalid_request, "'expires_at' must be in the future");
    credit.expires_at = rfc3339(*expires);
  }
  if (in.refused()) co_return in.refusal();

  auto tx = co_await pg::Transaction::begin(call.db);
  if (auto replay = co_await claim_idempotency(call, tx, key, body)) co_return std::move(*replay);
  auto entry = co_await ledger::credit(tx, call.program_id(), AccountId(call.params[0]), credit);
  if (!entry) {
    co_await tx.rollback();  // free the key at once: the client may retry with it right away
    co_return refusal(errc::not_found, "no such account");
  }
  const auto response = http::to_text(to_json(*entry));
  std::vector<pg::Statement> last;
  last.push_back(idempotency::remember(call.program(), key, 201, response));
  co_await tx.commit(std::move(last));
  co_return http::make_response(http::Status::created, response, "application/json");
}

boost::asio::awaitable<http::Reply> list_ledger(Call& call) {
  Input in(call.request);
  const auto limit = in.page_limit();
  const auto cursor = in.cursor();
  if (in.refused()) co_return in.refusal();
  auto page = co_await ledger::entries(call.db, call.program_id(), AccountId(call.params[0]), limit, cursor);
  if (!page) co_return refusal(errc::not_found, "no such account");
  nlohmann::json items = nlohmann::json::array();
  for (const auto& e : page->items) items.push_back(to_json(e));
  co_return json_response(http::Status::ok, {{"items", items}, {"next_cursor", next_cursor(page->next_before)}});
}

}  // namespace

void add_account_routes(Routes& routes) {
  using http::beast::http::verb;
  routes.add(verb::post, "/v1/accounts", {create_account, Access::keys(false, {Role::admin})});
  routes.add(verb::get, "/v1/accounts/{account_id}", {get_account, Access::keys(false, {Role::admin, Role::cabinet})});
  routes.add(verb::post, "/v1/accounts/{account_id}/credits", {credit_account, Access::keys(false, {Role::admin})});
  routes.add(verb::get, "/v1/accounts/{account_id}/ledger", {list_ledger, Access::keys(false, {Role::admin, Role::cabinet})});
}

}  // namespace rgw::api
