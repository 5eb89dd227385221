#pragma once
// The webhook outbox (docs/webhooks.md): final statuses and points events become events in the transaction that
// made them, and a sender POSTs them, signed, until the program's endpoint answers 2xx.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/sealer.hpp"
#include "gateway/core/metrics.hpp"
#include "gateway/pg/pool.hpp"
#include "gateway/net/url.hpp"

namespace rgw::webhooks {

// Queues event `type` ("redemption.issued", "redemption.failed") with `data`; writes nothing when the program
// has no webhook_url. Send it inside the transaction that changes the status.
pg::Statement enqueue(const std::string& program_id, const std::string& redemption_id, std::string_view type, const nlohmann::json& data);

// Events about an account's points ("points.expiring", "points.expired", "account.tier_changed"), queued in
// one statement however many; like enqueue, only for programs with a webhook_url.
struct AccountEvent {
  std::string program_id, account_id;
  std::string_view type;
  nlohmann::json data;
};
pg::Statement enqueue(const std::vector<AccountEvent>& events);

// Makes the program's events of one order, or created in [from, to), due again — delivered ones included: a
// receiver that lost them asks again, and each keeps its id, so one that did see it can tell. Its rows are the
// events queued.
struct Redelivery {
  std::optional<std::string> redemption_id;
  std::optional<std::string> from, to;  // RFC 3339
};
pg::Statement redeliver(const std::string& program_id, const Redelivery& which);

// The Rewardgw-Signature header value: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>, one v1 per
// secret (the new one first while a rotated secret still signs).
std::string signature(const std::vector<std::string>& secrets, std::int64_t unix_seconds, std::string_view body);

struct SenderConfig {
  std::chrono::milliseconds poll{1000};
  std::chrono::seconds lease{60};
  std::chrono::milliseconds retry_base{1000};
  std::chrono::milliseconds retry_cap{10 * 60'000};
  std::chrono::milliseconds timeout{10'000};
  std::optional<std::string> ca_file;  // for https endpoints; default: the system's trust store
  std::size_t batch = 16;
  http::DestinationPolicy destinations{true, {}};  // checked on every resolved address
};

// Delivers due events until cancelled: claims them with SKIP LOCKED, POSTs each, records the delivery, and
// schedules a failed one again with full-jitter backoff.
boost::asio::awaitable<void> deliver(std::shared_ptr<pg::Pool> db, std::shared_ptr<const crypto::Sealer> sealer, std::shared_ptr<metrics::Registry> registry,
                                     SenderConfig config);

}  // namespace rgw::webhooks
