#include "gateway/webhooks/outbox.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/core/digest.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/core/log.hpp"
#include "gateway/core/families.hpp"
#include "gateway/net/retry.hpp"
#include "gateway/net/client.hpp"

namespace rgw::webhooks {

namespace asio = boost::asio;
using namespace std::chrono;

namespace {

const pg::Query insert_event{
    "webhook_enqueue",
    "INSERT INTO webhook_events (id, program_id, redemption_id, event, body)"
    " SELECT $1, id, $3, $4, $5 FROM programs WHERE id = $2 AND webhook_url IS NOT NULL"};

const pg::Query insert_account_events{
    "webhook_enqueue_account",
    "INSERT INTO webhook_events (id, program_id, account_id, event, body)"
    " SELECT e.id, e.program_id, e.account_id, e.event, e.body"
    " FROM jsonb_to_recordset($1::jsonb) AS e (id text, program_id text, account_id text, event text, body text)"
    " JOIN programs p ON p.id = e.program_id WHERE p.webhook_url IS NOT NULL"};

const pg::Query claim_events{
    "webhook_claim",
    "UPDATE webhook_events e SET lease_token = nextval('dispatch_lease_tokens'), due_at = now() + make_interval(secs => $2::int)"
    " FROM (SELECT seq FROM webhook_events WHERE delivered_at IS NULL AND due_at <= now() ORDER BY due_at LIMIT $1::int FOR UPDATE SKIP LOCKED) due,"
    "      programs p"
    " WHERE e.seq = due.seq AND p.id = e.program_id"
    " RETURNING e.id, e.lease_token, e.body, e.tries, p.webhook_url, p.webhook_secret_sealed, p.webhook_key_id, p.id AS program_id,"
    "           CASE WHEN p.webhook_old_until > now() THEN p.webhook_old_secret_sealed END AS old_secret_sealed, p.webhook_old_key_id"};

// An event being sent this moment (leased, its lease not run out) is left to that send.
const pg::Query redeliver_events{
    "webhook_redeliver",
    "UPDATE webhook_events SET delivered_at = NULL, due_at = now(), tries = 0, lease_token = NULL"
    " WHERE program_id = $1 AND ($2::text IS NULL OR redemption_id = $2)"
    "   AND ($3::timestamptz IS NULL OR created_at >= $3::timestamptz) AND ($4::timestamptz IS NULL OR created_at < $4::timestamptz)"
    "   AND (lease_token IS NULL OR due_at <= now())"
    " RETURNING id"};

const pg::Query record_delivery{
    "webhook_record",
    "WITH d AS (INSERT INTO webhook_deliveries (event_id, status, error, latency_ms) VALUES ($1, $3::int, $4, $5::int))"
    " UPDATE webhook_events SET tries = tries + 1, lease_token = NULL,"
    "        delivered_at = CASE WHEN $6::bool THEN now() END,"
    "        due_at = now() + $7::bigint * interval '1 millisecond'"
    " WHERE id = $1 AND lease_token = $2::bigint"};

struct Delivery {
  std::optional<unsigned> status;
  std::string error;
};

asio::awaitable<Delivery> post(http::Client& client, const std::string& url_text, const std::vector<std::string>& secrets, const std::string& event_id,
                               const std::string& body) {
  const auto url = http::Url::parse(url_text);
  if (!url) {
    Delivery d;
    d.error = "webhook_url is not an http(s) URL";
    co_return d;
  }
  const auto now = duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
  std::map<std::string, std::string> headers;  // named: GCC 12 mishandles braced lists in coroutines
  headers["Content-Type"] = "application/json";
  headers["Rewardgw-Event-Id"] = event_id;
  headers["Rewardgw-Signature"] = signature(secrets, now, body);
  try {
    auto reply = co_await client.post(*url, body, headers);
    Delivery d;
    d.status = reply.status;
    if (reply.status / 100 != 2) d.error = "HTTP " + std::to_string(reply.status);
    co_return d;
  } catch (const std::exception& e) {
    Delivery d;
    d.error = e.what();
    co_return d;
  }
}

}  // namespace

namespace {

// What every receiver gets: {"id", "type", "data"}.
std::string event_body(const std::string& id, std::string_view type, const nlohmann::json& data) {
  return nlohmann::json{{"id", id}, {"type", type}, {"data", data}}.dump();
}

}  // namespace

pg::Statement enqueue(const std::string& program_id, const std::string& redemption_id, std::string_view type, const nlohmann::json& data) {
  const auto id = new_id("evt");
  return pg::statement(insert_event, id, program_id, redemption_id, type, event_body(id, type, data));
}

pg::Statement enqueue(const std::vector<AccountEvent>& events) {
  auto rows = nlohmann::json::array();
  for (const auto& e : events) {
    const auto id = new_id("evt");
    rows.push_back({{"id", id}, {"program_id", e.program_id}, {"account_id", e.account_id}, {"event", e.type}, {"body", event_body(id, e.type, e.data)}});
  }
  return pg::statement(insert_account_events, rows.dump());
}

pg::Statement redeliver(const std::string& program_id, const Redelivery& which) {
  return pg::statement(redeliver_events, program_id, which.redemption_id, which.from, which.to);
}

std::string signature(const std::vector<std::string>& secrets, std::int64_t unix_seconds, std::string_view body) {
  const auto t = std::to_string(unix_seconds);
  std::string out = "t=" + t;
  for (const auto& secret : secrets) out += ",v1=" + crypto::hmac_sha256_hex(secret, t + "." + std::string(body));
  return out;
}

asio::awaitable<void> deliver(std::shared_ptr<pg::Pool> db, std::shared_ptr<const crypto::Sealer> sealer, std::shared_ptr<metrics::Registry> registry,
                              SenderConfig config) {
  http::ClientConfig client_config;
  client_config.connect_timeout = client_config.response_timeout = config.timeout;
  client_config.max_response_bytes = 64 * 1024;
  client_config.ca_file = config.ca_file;
  client_config.destinations = config.destinations;
  http::Client client(client_config);
  const net::RetryPolicy backoff_policy{duration_cast<milliseconds>(config.retry_base), duration_cast<milliseconds>(config.retry_cap)};
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    std::size_t claimed = 0;
    try {
      auto events = co_await db->exec(pg::statement(claim_events, config.batch, config.lease.count()));
      claimed = static_cast<std::size_t>(events.size());
      for (int i = 0; i < events.size(); ++i) {
        const auto& e = events[i];
        const std::string id(e.text("id"));
        std::vector<std::string> secrets{sealer->open(e.text("webhook_key_id"), e.text("webhook_secret_sealed"), e.text("program_id"))};
        if (auto old = e.optional_text("old_secret_sealed")) secrets.push_back(sealer->open(e.text("webhook_old_key_id"), *old, e.text("program_id")));
        const auto started = steady_clock::now();
        const auto delivery = co_await post(client, std::string(e.text("webhook_url")), secrets, id, std::string(e.text("body")));
        const bool delivered = delivery.status && *delivery.status / 100 == 2;
        const auto wait = net::backoff(backoff_policy, static_cast<int>(e.int64("tries")), net::unit_random());
        registry->counter(metrics::webhook_deliveries, {{"result", delivered ? "delivered" : "failed"}}).add();
        if (!delivered) log::write(log::level::warn, "webhook delivery failed", {{"event", id}, {"detail", delivery.error}});
        co_await db->exec(pg::statement(record_delivery, id, e.int64("lease_token"), delivery.status, delivery.error,
                                        duration_cast<milliseconds>(steady_clock::now() - started).count(), delivered,
                                        wait.count()));
      }
    } catch (const std::exception& e) {
      log::write(log::level::warn, "webhook sender failed; retrying", {{"detail", e.what()}});
    }
    if (claimed == config.batch) continue;
    timer.expires_after(config.poll);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

}  // namespace rgw::webhooks
