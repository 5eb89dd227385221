#pragma once
// Tremendous API v2 (developers.tremendous.com), kind "tremendous". A bearer API key.
//   POST {base}/orders {"external_id", "payment": {"funding_source_id"}, "reward": {"products": [id],
//                       "value": {"denomination": 10.5, "currency_code"}, "delivery": {"method": "LINK"},
//                       "recipient": {"name", "email"}}}
//        201 {"order": order}; the same external_id again answers the order made first (201, nothing new)
//   GET  {base}/orders?external_id=          {"orders": [order], "total_count"}
//   GET  {base}/orders?created_at[gte]=&created_at[lte]=&offset=&limit=   the same, a page at a time
//   GET  {base}/funding_sources              {"funding_sources": [{"id", "method", "meta": {"available_cents"}}]}
//   GET  {base}/products   {"products": [{"id", "name", "description", "category": merchant_card | visa_card | …,
//        "currency_codes", "skus": [{"min", "max", "currency_code"}], "countries": [{"abbr"}]}]}
// An order: {"id", "external_id", "created_at", "status": EXECUTED | OPEN | PENDING APPROVAL | … | CANCELED |
//   FAILED, "payment": {"subtotal", "total", "fees", "discount"}, "rewards": [{"id", "value": {"denomination",
//   "currency_code"}, "delivery": {"method", "status": SCHEDULED | PENDING | SUCCEEDED | FAILED, "link"}}]}.
// Errors: {"errors": {"message", "payload"}}.
// Options: base_url (…/api/v2), ca_file, auth (bearer), funding_source (default "balance"), funding_currency
// (the currency `payment` and the balance are in; default USD).
#include <memory>

#include "providers/options.hpp"

namespace rgw::providers {

std::unique_ptr<Provider> make_tremendous(const std::string& name, const ProviderOptions& options);

}  // namespace rgw::providers
