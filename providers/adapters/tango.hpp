#pragma once
// Tango Card RaaS API v2 (developers.tangocard.com), kind "tango". HTTP Basic: the platform name and key.
//   POST {base}/orders {"accountIdentifier", "customerIdentifier", "utid", "amount": 10.5, "externalRefID",
//                       "sendEmail": false, "recipient": {"email", "firstName", "lastName"}}
//        201 a new order, 200 the one made earlier with this externalRefID; 402 insufficient funds
//   GET  {base}/orders?externalRefID=&startDate=&endDate=&elementsPerBlock=&page=
//        {"page": {"number", "elementsPerBlock", "resultCount", "totalCount"}, "orders": [summary]}
//   GET  {base}/orders/{referenceOrderID}   the order with its reward (the list's summaries carry none)
//   GET  {base}/accounts/{accountIdentifier} {"currentBalance": 1000.0, "currencyCode": "USD", ...}
// An order: {"referenceOrderID", "externalRefID", "status": COMPLETE | PENDING | FAILED | CANCELLED, "createdAt",
//   "denomination": {"value", "currencyCode"}, "amountCharged": {"value", "currencyCode", "fee", "total"},
//   "reward": {"credentials": {"Claim Code": ...}, "credentialList": [{"label", "value", "type"}]}}.
// Errors: {"httpCode", "httpPhrase", "i18nKey", "message", "errors": [{"path", "message"}]}.
// Options: base_url (…/raas/v2), ca_file, auth (basic), account (accountIdentifier), customer (customerIdentifier).
#include <memory>

#include "providers/options.hpp"

namespace rgw::providers {

std::unique_ptr<Provider> make_tango(const std::string& name, const ProviderOptions& options);

}  // namespace rgw::providers
