#pragma once
// A rewards-order API (modelled on Tremendous's): an order carries our idempotency key as `external_id`; the
// same external_id with the same payload returns the existing order, with another payload 409; a reward is
// delivered as a link whose delivery status is reported.
//   POST {base}/orders {"external_id", "payment", "reward": {"value": {"denomination", "currency_code"},
//                       "products": [sku], "recipient", "delivery": {"method": "LINK"}}}  -> {"order": order}
//   GET  {base}/orders?external_id=...  -> {"orders": [order]}
//   GET  {base}/funding                 -> {"funding_source": {"available": "1000.00", "currency_code": "EUR"}}
// An order is {"id", "external_id", "status": "EXECUTED" | "PENDING_APPROVAL" | "CANCELED" | "FAILED",
//              "rewards": [{"id", "delivery": {"status": "SUCCEEDED" | "PENDING" | "FAILED", "link"}}]}.
// Options: base_url, ca_file, funding_source (default "balance").
#include <memory>

#include "providers/options.hpp"

namespace rgw::providers {

std::unique_ptr<Provider> make_orders(const std::string& name, const ProviderOptions& options);

}  // namespace rgw::providers
