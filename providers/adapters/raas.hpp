#pragma once
// A RaaS-style order API (modelled on Tango Card's): an order carries our idempotency key as `externalRefID`;
// posting the same reference again returns the original order; orders are looked up by reference; the account
// balance is readable; over its rate limit the API answers 429 with Retry-After.
//   POST {base}/orders {"externalRefID", "utid", "amount", "currency", "accountIdentifier", "recipient"}
//   GET  {base}/orders?externalRefID=...  -> {"orders": [order]}
//   GET  {base}/accounts/{account}        -> {"currentBalance": "1000.00", "currencyCode": "EUR"}
// An order is {"referenceOrderID", "externalRefID", "status": "COMPLETE" | "PENDING" | "FAILED",
//              "reward": {"credentials": {"code", "pin", "url", "cardNumber", "expiresOn"}}}.
// Options: base_url (http or https), ca_file (PEM to trust; default: the system's), account.
#include <memory>

#include "providers/options.hpp"

namespace rgw::providers {

std::unique_ptr<Provider> make_raas(const std::string& name, const ProviderOptions& options);

}  // namespace rgw::providers
