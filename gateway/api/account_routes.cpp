// POST /v1/accounts, GET and PATCH /v1/accounts/{id}, POST /v1/accounts/{id}/credits and /adjustments,
// GET /v1/accounts/{id}/ledger, POST /v1/accounts/{id}/sessions (member tokens), POST /v1/accounts/{id}/erasure.
#include "gateway/accounts/ledger.hpp"
#include "gateway/api/input.hpp"
#include "gateway/api/route.hpp"
#include "gateway/api/services.hpp"
#include "gateway/api/views.hpp"
#include "gateway/points/changes.hpp"
#include "gateway/points/tiers.hpp"
#include "gateway/privacy/privacy.hpp"

namespace rgw::api {
namespace {

using auth::Role;

// Largest single credit: far above any real grant, far below where balances could overflow.
constexpr std::int64_t max_credit_points = 1'000'000'000'000;

nlohmann::json to_json(const ledger::Account& a) {
  nlohmann::json expiring = nlohmann::json::array();
  for (const auto& lot : a.expiring) expiring.push_back({{"points", lot.points}, {"expires_at", lot.expires_at}});
  return {{"id", a.id},         {"external_ref", a.external_ref}, {"name", or_null(a.name)},         {"tier", or_null(a.tier)},
          {"tier_source", a.tier_source}, {"status", a.status},     {"balance", a.balance}, {"expiring", expiring},
          {"created_at", a.created_at}};
}

// A new lot's own expiry, if the body gives one: in the future.
std::optional<std::string> lot_expires_at(const nlohmann::json& body, Input& in) {
  const auto expires = in.optional_timestamp(body, "expires_at");
  if (!expires) return std::nullopt;
  if (*expires <= std::chrono::system_clock::now()) in.refuse(errc::invalid_request, "'expires_at' must be in the future");
  return rfc3339(*expires);
}

// A change of points under an Idempotency-Key: replays answer as the first time; `change` runs in the transaction
// that remembers its answer, and so does `audit` when given.
template <class Change>
boost::asio::awaitable<http::Reply> idempotent_change(Call& call, const std::string& key, const nlohmann::json& body, Change change,
                                                      std::optional<audit::Entry> audit = std::nullopt) {
  const auto program = co_await programs::find(call.db, call.program());
  auto tx = co_await pg::Transaction::begin(call.db);
  if (auto replay = co_await claim_idempotency(call, tx, key, body)) co_return std::move(*replay);
  ledger::result<ledger::Entry> entry = co_await change(tx, program);
  if (!entry) {
    co_await tx.rollback();  // free the key at once: the client may retry with it right away
    co_return refusal(entry.error());
  }
  const auto response = http::to_text(entry_json(*entry));
  std::vector<pg::Statement> last;
  last.push_back(idempotency::remember(call.program(), key, 201, response));
  if (audit) last.push_back(audit::record(*audit));
  co_await tx.commit(std::move(last));
  co_return http::make_response(http::Status::created, response, "application/json");
}

boost::asio::awaitable<http::Reply> create_account(Call& call) {
  Input in(call.request);
  const auto body = in.body(call.settings.json_depth);
  in.only_fields(body, {"external_ref", "name", "tier"});
  ledger::NewAccount account{in.required_string(body, "external_ref"), in.required_string(body, "name"), in.optional_string(body, "tier", 50)};
  if (in.refused()) co_return in.refusal();
  auto created = co_await ledger::create_account(call.db, call.program_id(), account, *call.services.sealer);
  if (!created) co_return refusal(errc::conflict, "an account with this external_ref exists in the program");
  co_return json_response(http::Status::created, to_json(*created));
}

boost::asio::awaitable<http::Reply> get_account(Call& call) {
  auto account = co_await ledger::find_account(call.db, call.program_id(), AccountId(call.params[0]), *call.services.sealer);
  if (!account) co_return refusal(errc::not_found, "no such account");
  const std::vector<std::string> shown{"name"};  // named: no braced lists in a co_await (GCC 12)
  if (account->name) co_await audit_personal_read(call, account->id, shown);
  co_return json_response(http::Status::ok, to_json(*account));
}

boost::asio::awaitable<http::Reply> update_account(Call& call) {
  Input in(call.request);
  const auto body = in.body(call.settings.json_depth);
  in.only_fields(body, {"name", "tier_override", "status"});
  ledger::AccountChange change;
  change.name = in.optional_string(body, "name");
  change.status = in.optional_string(body, "status", 16);
  if (change.status && *change.status != "active" && *change.status != "blocked") in.refuse(errc::invalid_request, "'status' must be active or blocked");
  if (body.contains("tier_override")) change.tier_override = in.optional_string(body, "tier_override", 50);  // null clears it
  if (in.refused()) co_return in.refusal();
  const auto before = co_await ledger::find_account(call.db, call.program_id(), AccountId(call.params[0]), *call.services.sealer);
  if (!before) co_return refusal(errc::not_found, "no such account");
  if (before->status == "erased") co_return refusal(errc::account_erased, "the account was erased: nothing of it can change");
  if (!co_await points::update_account(call.db, *call.services.sealer, call.program_id(), AccountId(call.params[0]), change))
    co_return refusal(errc::not_found, "no such account");
  co_return co_await get_account(call);  // with its expiring lots, as GET shows it
}

boost::asio::awaitable<http::Reply> credit_account(Call& call) {
  Input in(call.request);
  const auto key = idempotency_key(call.request, in);
  const auto body = in.body(call.settings.json_depth);
  in.only_fields(body, {"points", "reason", "expires_at"});
  ledger::Credit credit{in.required_integer(body, "points", 1, max_credit_points), in.required_reason(body), lot_expires_at(body, in)};
  if (in.refused()) co_return in.refusal();
  const AccountId account(call.params[0]);
  co_return co_await idempotent_change(call, key, body, [&](pg::Transaction& tx, const programs::Program& program) {
    return points::credit(tx, program, account, credit);
  });
}

boost::asio::awaitable<http::Reply> adjust_account(Call& call) {
  Input in(call.request);
  const auto key = idempotency_key(call.request, in);
  const auto body = in.body(call.settings.json_depth);
  in.only_fields(body, {"points", "reason", "expires_at"});
  ledger::Adjustment adjustment;
  adjustment.points = in.required_integer(body, "points", -max_credit_points, max_credit_points);
  adjustment.reason = in.required_reason(body);
  adjustment.expires_at = lot_expires_at(body, in);
  adjustment.api_key_id = call.principal.key_id;
  if (!in.refused() && adjustment.points == 0) in.refuse(errc::invalid_request, "'points' must not be 0");
  if (!in.refused() && adjustment.points < 0 && adjustment.expires_at) in.refuse(errc::invalid_request, "'expires_at' is for positive adjustments (a new lot)");
  if (in.refused()) co_return in.refusal();
  const AccountId account(call.params[0]);
  const nlohmann::json detail = {{"points", adjustment.points}};  // named: no braced temporaries in a co_await (GCC 12)
  auto entry = audit_entry(call, "points.adjust", account.str(), adjustment.reason, detail);
  co_return co_await idempotent_change(
      call, key, body, [&](pg::Transaction& tx, const programs::Program& program) { return points::adjust(tx, program, account, adjustment); },
      std::move(entry));
}

// Crypto-shredding (docs/privacy.md): the account's key is destroyed; asked again, the first erasure's answer.
boost::asio::awaitable<http::Reply> erase_account(Call& call) {
  Input in(call.request);
  const auto body = in.body(call.settings.json_depth);
  in.only_fields(body, {"reason"});
  const auto reason = in.required_reason(body);
  if (in.refused()) co_return in.refusal();
  const AccountId account(call.params[0]);
  const auto entry = audit_entry(call, "account.erase", account.str(), reason);
  const auto erased = co_await privacy::erase(call.db, call.program_id(), account, entry);
  if (!erased) co_return refusal(errc::not_found, "no such account");
  co_return json_response(http::Status::ok, {{"account_id", account.str()}, {"status", "erased"}, {"erased_at", erased->erased_at}});
}

// A member token for the account, minted for the program's server to hand to the member's browser.
boost::asio::awaitable<http::Reply> create_session(Call& call) {
  Input in(call.request);
  const auto body = call.request.body().empty() ? nlohmann::json::object() : in.body(call.settings.json_depth);
  in.only_fields(body, {"ttl_s"});
  const auto ttl = in.optional_integer(body, "ttl_s", 60, 3600).value_or(900);
  if (in.refused()) co_return in.refusal();
  const AccountId account(call.params[0]);
  const auto found = co_await ledger::find_account(call.db, call.program_id(), account, *call.services.sealer);
  if (!found) co_return refusal(errc::not_found, "no such account");
  if (found->status == "erased") co_return refusal(errc::account_erased, "the account was erased: no session can be opened for it");
  const auto expires_at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + std::chrono::seconds(ttl);
  const auto token = call.services.tokens->mint({call.program(), account.str(), call.principal.key_id, expires_at});
  const nlohmann::json session = {{"token", token}, {"account_id", account.str()}, {"expires_at", rfc3339(expires_at)}};
  auto response = json_response(http::Status::created, session);
  response.set(http::beast::http::field::cache_control, "no-store");
  co_return response;
}

boost::asio::awaitable<http::Reply> list_ledger(Call& call) {
  Input in(call.request);
  const auto limit = in.page_limit();
  const auto cursor = in.cursor();
  if (in.refused()) co_return in.refusal();
  auto page = co_await ledger::entries(call.db, call.program_id(), AccountId(call.params[0]), limit, cursor);
  if (!page) co_return refusal(errc::not_found, "no such account");
  nlohmann::json items = nlohmann::json::array();
  for (const auto& e : page->items) items.push_back(entry_json(e));
  co_return json_response(http::Status::ok, {{"items", items}, {"next_cursor", next_cursor(page->next_before)}});
}

}  // namespace

void add_account_routes(Routes& routes) {
  using http::beast::http::verb;
  routes.add(verb::post, "/v1/accounts", {create_account, Access::keys(false, {Role::admin})});
  routes.add(verb::get, "/v1/accounts/{account_id}", {get_account, Access::keys(false, {Role::admin, Role::cabinet, Role::member}).account_path()});
  routes.add(verb::patch, "/v1/accounts/{account_id}", {update_account, Access::keys(false, {Role::admin})});
  routes.add(verb::post, "/v1/accounts/{account_id}/erasure", {erase_account, Access::keys(false, {Role::admin})});
  routes.add(verb::post, "/v1/accounts/{account_id}/credits", {credit_account, Access::keys(false, {Role::admin})});
  routes.add(verb::post, "/v1/accounts/{account_id}/adjustments", {adjust_account, Access::keys(false, {Role::admin, Role::finance})});
  routes.add(verb::get, "/v1/accounts/{account_id}/ledger", {list_ledger, Access::keys(false, {Role::admin, Role::cabinet, Role::member}).account_path()});
  routes.add(verb::post, "/v1/accounts/{account_id}/sessions", {create_session, Access::keys(false, {Role::cabinet})});
}

}  // namespace rgw::api
