// GET /widget/v1/redeem.js (the embeddable Redeem widget) and GET /demo/cabinet (a demo cabinet embedding it,
// only with REWARDGW_DEMO=1).
#include "gateway/accounts/ledger.hpp"
#include "gateway/api/input.hpp"
#include "gateway/api/route.hpp"
#include "gateway/api/services.hpp"
#include "gateway/web/assets.hpp"

namespace rgw::api {
namespace {

using field = http::beast::http::field;

// The newest account (or the one asked for) with a live cabinet key of its program to mint its token with.
const pg::Query demo_member{
    "api_demo_member",
    "SELECT a.id AS account_id, a.name AS account_name, a.name_sealed, a.data_key, p.id AS program_id, p.name AS program_name,"
    "       p.default_locale, k.id AS key_id"
    " FROM accounts a JOIN programs p ON p.id = a.program_id"
    " JOIN LATERAL (SELECT id FROM api_keys WHERE program_id = p.id AND role = 'cabinet' AND revoked_at IS NULL"
    "               ORDER BY created_at LIMIT 1) k ON true"
    " WHERE ($1::text IS NULL OR a.id = $1) ORDER BY a.created_at DESC LIMIT 1"};

boost::asio::awaitable<http::Reply> redeem_widget(Call& call) {
  static const auto script = std::make_shared<const std::string>(web::redeem_widget());
  static const std::string etag = etag_of(*script);
  auto reply = conditional(call.request, script, etag, "text/javascript; charset=utf-8");
  reply.response.set(field::cache_control, "public, max-age=300");  // a new release reaches browsers within minutes
  reply.response.set("X-Content-Type-Options", "nosniff");
  co_return reply;
}

std::string html_escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string filled(std::string page, const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [name, value] : values) {
    const auto placeholder = "{{" + name + "}}";
    const auto escaped = html_escaped(value);
    for (auto at = page.find(placeholder); at != std::string::npos; at = page.find(placeholder, at + escaped.size()))
      page.replace(at, placeholder.size(), escaped);
  }
  return page;
}

// The demo plays the program's server: it mints a member token with the program's cabinet key and embeds the
// widget with it. Anyone who can open the page gets a token, which is why it exists only in demo mode.
boost::asio::awaitable<http::Reply> demo_cabinet(Call& call) {
  if (!call.settings.demo) co_return refusal(errc::not_found, "no such endpoint");
  Input in(call.request);
  const auto account = in.query("account");
  auto locale = in.query("locale");
  if (in.refused()) co_return in.refusal();
  auto rows = co_await call.db.exec(pg::statement(demo_member, account));
  if (rows.empty()) co_return refusal(errc::not_found, "no account with a live cabinet key to show (seed one first: scripts/run does)");
  const auto row = rows.front();
  if (!locale || (*locale != "en" && *locale != "ru" && *locale != "ms")) locale = std::string(row.text("default_locale"));
  const auto expires_at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + std::chrono::minutes(15);
  const auto token = call.services.tokens->mint({std::string(row.text("program_id")), std::string(row.text("account_id")), std::string(row.text("key_id")), expires_at});
  const std::string account_id(row.text("account_id"));
  const auto account_name = row.is_null("account_name")
                                ? ledger::opened_name(*call.services.sealer, account_id, row.optional_string("data_key"), row.optional_string("name_sealed"))
                                : row.optional_string("account_name");
  auto page = filled(std::string(web::demo_cabinet_page()), {{"LOCALE", *locale},
                                                             {"LOCALE_EN", *locale == "en" ? "true" : "false"},
                                                             {"LOCALE_RU", *locale == "ru" ? "true" : "false"},
                                                             {"LOCALE_MS", *locale == "ms" ? "true" : "false"},
                                                             {"TOKEN", token},
                                                             {"PROGRAM_NAME", std::string(row.text("program_name"))},
                                                             {"ACCOUNT_NAME", account_name.value_or("")}});
  auto response = http::make_response(http::Status::ok, std::move(page), "text/html; charset=utf-8");
  response.set(field::cache_control, "no-store");  // it holds a token
  response.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
  response.set("Referrer-Policy", "no-referrer");
  co_return response;
}

}  // namespace

void add_cabinet_routes(Routes& routes) {
  using http::beast::http::verb;
  routes.add(verb::get, "/widget/v1/redeem.js", {redeem_widget, Access::public_route()});
  routes.add(verb::get, "/demo/cabinet", {demo_cabinet, Access::public_route()});
}

}  // namespace rgw::api
