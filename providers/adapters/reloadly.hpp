#pragma once
// Reloadly Gift Cards API (docs.reloadly.com), kind "reloadly". An OAuth2 client-credentials token whose
// `audience` names the API (https://giftcards.reloadly.com, or the sandbox's).
//   POST {base}/orders {"productId": 120, "countryCode", "quantity": 1, "unitPrice": 10.5, "customIdentifier",
//                       "senderName", "recipientEmail"}   → a transaction
//   GET  {base}/orders/transactions/{transactionId}/cards   [{"cardNumber", "pinCode", "redemptionUrl"}]
//   GET  {base}/reports/transactions?customIdentifier=&startDate=&endDate=&page=&size=
//        {"content": [transaction], "totalElements", "totalPages", "number", "size"}  (pages count from 1)
//   GET  {base}/accounts/balance   {"balance": 1000.0, "currencyCode", "currencyName", "updatedAt"}
//   GET  {base}/products?page=&size=   {"content": [{"productId", "productName", "status": ACTIVE | INACTIVE, "brand":
//        {"brandName"}, "country": {"isoName"}, "denominationType": FIXED | RANGE, "recipientCurrencyCode",
//        "fixedRecipientDenominations" | "minRecipientDenomination", "maxRecipientDenomination"}], "totalPages"}
// A transaction: {"transactionId", "customIdentifier", "status": SUCCESSFUL | PENDING | PROCESSING | FAILED |
//   REFUNDED, "amount", "discount", "fee", "smsFee", "currencyCode" (what our account paid, in its currency),
//   "product": {"productId", "unitPrice", "totalPrice", "currencyCode" (the card's)}, "transactionCreatedTime"}.
// Errors: {"timeStamp", "message", "path", "errorCode", "infoLink", "details"}.
// A customIdentifier may be used once: Reloadly refuses a second order with it, so a refusal that names it
// means the order exists and is `unknown` (the status look-up finds it), never `rejected`.
// Route SKUs: "<productId>" or "<productId>:<countryCode>". Options: base_url, ca_file, auth (oauth2),
// sender_name (default "rewardgw").
#include <memory>

#include "providers/options.hpp"

namespace rgw::providers {

std::unique_ptr<Provider> make_reloadly(const std::string& name, const ProviderOptions& options);

}  // namespace rgw::providers
