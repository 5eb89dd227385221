// GET /v1/catalog, GET /v1/catalog/{sku}, PUT /v1/catalog/{sku}.
#include "gateway/api/input.hpp"
#include "gateway/api/route.hpp"
#include "gateway/api/services.hpp"
#include "gateway/pricing/offer.hpp"

namespace rgw::api {
namespace {

using auth::Role;
using pricing::Listing;

// The API item in `locale`, priced in points and displayed in `display`, with whether an order could be placed now;
// nullopt when the rates cannot price it.
std::optional<nlohmann::json> render_item(const Call& call, const catalog::Product& p, const programs::Program& program, const std::string& locale,
                                          const fx::Currency& display, const fx::RateTable& rates) {
  const auto listed = pricing::list_prices(p, program, display, rates);
  if (!listed || listed->empty()) return std::nullopt;
  nlohmann::json prices = nlohmann::json::array();
  for (const auto& price : *listed)
    prices.push_back({{"face_value", money_json(price.face)}, {"points", price.points}, {"display_value", money_json(price.display)}});
  auto doc = catalog::to_json(p);
  nlohmann::json item = {{"sku", p.sku},
                         {"type", catalog::type_name(p.type)},
                         {"brand", p.brand},
                         {"name", catalog::localized(p.names, locale, program.default_locale)},
                         {"description", catalog::localized(p.descriptions, locale, program.default_locale)},
                         {"countries", p.countries},
                         {"face_currency", p.face_currency.code()},
                         {"denominations", doc["denominations"]},
                         {"active", p.active},
                         {"prices", prices}};
  // Judged for the smallest face value: a provider short of funds for it is short for every other.
  const auto smallest = std::min_element(listed->begin(), listed->end(), [](const auto& a, const auto& b) { return a.face.amount() < b.face.amount(); });
  const auto unavailable = call.unavailable(p, smallest->face);
  item["available"] = !unavailable;
  item["unavailable_reason"] = or_null(unavailable);
  return item;
}

// The response for a listing, or 304 when the client has this version.
http::Reply listing_response(const http::Request& request, const std::shared_ptr<const Listing>& listing) {
  // The body shares the listing's ownership: a cached listing (5 KB, or 3 MB for 5,000 products) is not copied.
  return conditional(request, std::shared_ptr<const std::string>(listing, &listing->body), listing->etag, "application/json");
}

struct View {
  std::string locale;
  fx::Currency display;
  std::optional<std::string> country;
};

View view_of(Input& in, const programs::Program& program) {
  View v{in.query("locale").value_or(program.default_locale), in.currency("currency").value_or(program.base_currency), in.query("country")};
  if (v.locale.empty() || v.locale.size() > 16) in.refuse(errc::invalid_request, "'locale' must be a locale such as en, ru or ms");
  if (v.country && (v.country->size() != 2 || !std::isupper(static_cast<unsigned char>((*v.country)[0])) ||
                    !std::isupper(static_cast<unsigned char>((*v.country)[1]))))
    in.refuse(errc::invalid_request, "'country' must be an ISO 3166 code such as DE");
  return v;
}

boost::asio::awaitable<http::Reply> list_catalog(Call& call) {
  // From memory without a coroutine's frame when it is there: the busiest read of the cabinet.
  auto snapshot = call.services.catalog->cached(call.program());
  if (!snapshot) snapshot = co_await call.services.catalog->get(call.db, call.program());
  const auto& program = snapshot->program();
  Input in(call.request);
  const auto view = view_of(in, program);
  if (in.refused()) co_return in.refusal();
  const auto fresh = pricing::fresh_rates(*call.services.rates, program);
  if (!fresh) co_return refusal(fresh.error());
  const auto& rates = *fresh;
  // The listing depends on exactly these, and on the snapshot it is kept in.
  const auto& set = rates->set();
  // Appended into one string, not concatenated: a temporary per `+` was a tenth of a cached listing's time.
  std::string key;
  key.reserve(128);
  const std::string_view parts[] = {view.locale, view.display.code(), view.country ? std::string_view(*view.country) : "", set.source};
  for (const auto part : parts) key.append(part).push_back('|');
  key.append(std::to_string(set.as_of.time_since_epoch().count())).push_back('|');
  key.append(std::to_string(reinterpret_cast<std::uintptr_t>(rates.get()))).push_back('|');
  key.append(call.services.providers->current()->availability_key());
  if (auto cached = snapshot->listing(key)) co_return listing_response(call.request, cached);

  nlohmann::json items = nlohmann::json::array();
  for (const auto& p : snapshot->products()) {
    if (!p.active || p.routes.empty()) continue;
    if (view.country && std::find(p.countries.begin(), p.countries.end(), *view.country) == p.countries.end()) continue;
    if (auto item = render_item(call, p, program, view.locale, view.display, *rates)) items.push_back(std::move(*item));
  }
  auto body = http::to_text(nlohmann::json{{"items", items}, {"next_cursor", nullptr}});
  auto etag = etag_of(body);
  auto listing = std::make_shared<const Listing>(Listing{std::move(body), std::move(etag)});
  snapshot->keep_listing(key, listing);
  call.services.catalog->count_render();
  co_return listing_response(call.request, listing);
}

boost::asio::awaitable<http::Reply> get_product(Call& call) {
  const auto snapshot = co_await call.services.catalog->get(call.db, call.program());
  const auto* product = snapshot->find(call.params[0]);
  if (!product) co_return refusal(errc::not_found, "no such product");
  Input in(call.request);
  const auto view = view_of(in, snapshot->program());
  if (in.refused()) co_return in.refusal();
  const auto rates = pricing::fresh_rates(*call.services.rates, snapshot->program());
  if (!rates) co_return refusal(rates.error());
  auto item = render_item(call, *product, snapshot->program(), view.locale, view.display, **rates);
  if (!item) co_return refusal(pricing::errc::no_rate, "the rate source quotes no rate for " + std::string(product->face_currency.code()));
  auto body = http::to_text(*item);
  auto etag = etag_of(body);
  co_return listing_response(call.request, std::make_shared<const Listing>(Listing{std::move(body), std::move(etag)}));
}

boost::asio::awaitable<http::Reply> put_product(Call& call) {
  Input in(call.request);
  const auto body = in.body(call.settings.json_depth);
  if (in.refused()) co_return in.refusal();
  std::vector<catalog::Product> product;
  std::string invalid;
  try {
    const auto configured = call.services.providers->current()->names();
    product.push_back(catalog::product_from_json(call.params[0], body, &configured));
  } catch (const catalog::InvalidProduct& e) {  // the catalog module reports a bad document by exception
    invalid = e.what();
  }
  if (!invalid.empty()) co_return refusal(errc::invalid_request, invalid);
  const auto created = co_await pricing::save_products(call.db, call.program(), product, call.services.catalog->instance());
  call.services.catalog->forget(call.program());
  co_return json_response(created.front() ? http::Status::created : http::Status::ok, catalog::to_json(product.front()));
}

}  // namespace

void add_catalog_routes(Routes& routes) {
  using http::beast::http::verb;
  routes.add(verb::get, "/v1/catalog", {list_catalog, Access::keys(false, {Role::cabinet, Role::admin, Role::member})});
  routes.add(verb::get, "/v1/catalog/{sku}", {get_product, Access::keys(false, {Role::cabinet, Role::admin, Role::member})});
  routes.add(verb::put, "/v1/catalog/{sku}", {put_product, Access::keys(false, {Role::admin})});
}

}  // namespace rgw::api
