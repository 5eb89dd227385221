#include "gateway/app/config.hpp"

#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "fx/utf8.hpp"
#include "gateway/pg/connection.hpp"
#include "gateway/net/url.hpp"
#include "providers/registry.hpp"

namespace rgw::app {
namespace {

class reader {
 public:
  explicit reader(const Environment& env) : env_(env) {}

  std::optional<std::string> text(const char* name) const {
    const char* v = env_(name);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  }

  long long number(const char* name, long long fallback, long long min, long long max) const {
    auto v = text(name);
    if (!v) return fallback;
    long long n = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc{} || end != v->data() + v->size() || n < min || n > max)
      throw std::invalid_argument(std::string(name) + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return n;
  }

 private:
  const Environment& env_;
};

std::string read_file(const std::string& path, const char* variable) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(std::string(variable) + ": cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

nlohmann::json read_providers_file(const std::string& path) {
  try {
    return nlohmann::json::parse(read_file(path, "REWARDGW_PROVIDERS_FILE"));
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument("REWARDGW_PROVIDERS_FILE is not JSON: " + std::string(e.what()));
  }
}

namespace {

// "10.0.0.0/8, ::1" -> networks; throws naming `variable` for an entry that is not a CIDR network.
std::vector<http::Network> networks(const std::string& list, const char* variable) {
  std::vector<http::Network> out;
  std::stringstream entries(list);
  for (std::string entry; std::getline(entries, entry, ',');) {
    std::erase_if(entry, [](char c) { return c == ' '; });
    if (entry.empty()) continue;
    auto network = http::Network::parse(entry);
    if (!network) throw std::invalid_argument(std::string(variable) + ": '" + entry + "' is not a network such as 10.0.0.0/8 or ::1/128");
    out.push_back(*network);
  }
  return out;
}

// Random-looking enough for 128 bits: 24 characters of base64 carry 144; a repeated or spaced phrase is refused.
bool strong_secret(std::string_view s) {
  return s.size() >= 24 && fx::visible_ascii(s) && std::set<char>(s.begin(), s.end()).size() >= 12;
}

std::string host_name() {
  char name[256] = {};
  return ::gethostname(name, sizeof name - 1) == 0 ? std::string(name) : std::string("localhost");
}

void parse_listen(const std::string& listen, http::ServerConfig& http) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) throw std::invalid_argument("REWARDGW_LISTEN must be HOST:PORT, e.g. 127.0.0.1:8080");
  unsigned port = 0;
  const char* first = listen.data() + colon + 1;
  const char* last = listen.data() + listen.size();
  auto [end, ec] = std::from_chars(first, last, port);
  if (ec != std::errc{} || end != last || port > 65535) throw std::invalid_argument("REWARDGW_LISTEN has a bad port");
  http.host = listen.substr(0, colon);
  if (http.host.size() > 2 && http.host.front() == '[') http.host = http.host.substr(1, http.host.size() - 2);  // [::1]
  http.port = static_cast<unsigned short>(port);
}

}  // namespace

Config config_from_environment(const Environment& getenv) {
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  const reader env(getenv);
  Config c;
  auto url = env.text("REWARDGW_DATABASE_URL");
  if (!url) throw std::invalid_argument("REWARDGW_DATABASE_URL is required (a libpq connection string or URL)");
  c.database_url = *url;
  c.bootstrap_key = env.text("REWARDGW_BOOTSTRAP_KEY").value_or("");
  if (!c.bootstrap_key.empty() && !strong_secret(c.bootstrap_key))
    throw std::invalid_argument(
        "REWARDGW_BOOTSTRAP_KEY must be at least 24 printable characters without spaces, at least 12 of them different"
        " (e.g. openssl rand -base64 32)");
  if (auto problem = pg::conninfo_problem(c.database_url)) throw std::invalid_argument("REWARDGW_DATABASE_URL: " + *problem);
  const auto cores = std::max(1u, std::thread::hardware_concurrency());
  c.threads = static_cast<std::size_t>(env.number("REWARDGW_THREADS", cores, 1, 256));

  parse_listen(env.text("REWARDGW_LISTEN").value_or("127.0.0.1:8080"), c.http);
  c.http.max_connections = static_cast<std::size_t>(env.number("REWARDGW_MAX_CONNECTIONS", 10'000, 1, 1'000'000));
  c.http.body_limit = static_cast<std::size_t>(env.number("REWARDGW_BODY_LIMIT_BYTES", 64 * 1024, 1024, 64 * 1024 * 1024));
  c.http.body_limits_by_prefix = {
      {"/v1/reconciliations", static_cast<std::size_t>(env.number("REWARDGW_STATEMENT_LIMIT_BYTES", 32 * 1024 * 1024, 1024, 1024 * 1024 * 1024))}};
  c.http.header_limit = static_cast<std::size_t>(env.number("REWARDGW_HEADER_LIMIT_BYTES", 16 * 1024, 1024, 1024 * 1024));
  c.http.idle_timeout = seconds(env.number("REWARDGW_IDLE_TIMEOUT_S", 60, 1, 3600));
  c.http.read_timeout = seconds(env.number("REWARDGW_READ_TIMEOUT_S", 15, 1, 3600));
  c.http.write_timeout = seconds(env.number("REWARDGW_WRITE_TIMEOUT_S", 15, 1, 3600));
  auto cert = env.text("REWARDGW_TLS_CERT");
  auto key = env.text("REWARDGW_TLS_KEY");
  if (cert.has_value() != key.has_value()) throw std::invalid_argument("set both REWARDGW_TLS_CERT and REWARDGW_TLS_KEY, or neither");
  if (cert) c.http.tls = http::TlsFiles{*cert, *key};

  c.db.conninfo = c.database_url;
  c.db.max_size = static_cast<std::size_t>(env.number("REWARDGW_DB_POOL_SIZE", 8, 1, 1000));
  c.db.query_timeout = milliseconds(env.number("REWARDGW_DB_QUERY_TIMEOUT_MS", 5000, 10, 600'000));
  c.db.acquire_timeout = milliseconds(env.number("REWARDGW_DB_ACQUIRE_TIMEOUT_MS", 2000, 1, 600'000));
  c.db.connect_timeout = milliseconds(env.number("REWARDGW_DB_CONNECT_TIMEOUT_MS", 3000, 10, 600'000));

  c.settings.json_depth = static_cast<int>(env.number("REWARDGW_JSON_MAX_DEPTH", 32, 2, 512));
  // docs/openapi.yaml promises keys are kept at least 72 hours.
  c.settings.idempotency_ttl = std::chrono::hours(env.number("REWARDGW_IDEMPOTENCY_TTL_HOURS", 72, 72, 24 * 365));
  if (auto source = env.text("REWARDGW_FX_SOURCE")) {
    pricing::RefreshConfig fx;
    fx.source = *source;
    // A URL is checked strictly, a file at once: either mistake would otherwise show only at the first refresh.
    if (source->find("://") != std::string::npos) {
      if (!http::Url::parse(*source)) throw std::invalid_argument("REWARDGW_FX_SOURCE is not a valid http:// or https:// URL");
    } else if (!std::ifstream(*source)) {
      throw std::invalid_argument("REWARDGW_FX_SOURCE: cannot read the rate file " + *source);
    }
    fx.interval = seconds(env.number("REWARDGW_FX_REFRESH_S", 600, 1, 86'400));
    fx.ca_file = env.text("REWARDGW_FX_CA_FILE");
    fx.max_change = fx::Decimal::from_units(env.number("REWARDGW_FX_MAX_CHANGE_PCT", 50, 1, 10'000), 2).value();
    c.fx = fx;
    c.settings.fx_readiness_max_age = seconds(env.number("REWARDGW_FX_MAX_AGE_S", 172'800, 1, 30 * 86'400));
  }
  c.settings.rate_limit_per_second = static_cast<double>(env.number("REWARDGW_RATE_LIMIT_RPS", 50, 1, 1'000'000));
  c.settings.rate_limit_burst = static_cast<double>(env.number("REWARDGW_RATE_LIMIT_BURST", 100, 1, 1'000'000));
  c.settings.accept_writers = static_cast<std::size_t>(env.number("REWARDGW_ACCEPT_WRITERS", 1, 1, 64));
  c.settings.accept_max_wait = milliseconds(env.number("REWARDGW_ACCEPT_MAX_WAIT_MS", 5'000, 1, 600'000));
  c.settings.event_streams_max = static_cast<std::size_t>(env.number("REWARDGW_EVENT_STREAMS_MAX", 1000, 1, 100'000));
  c.settings.event_heartbeat = milliseconds(env.number("REWARDGW_EVENT_HEARTBEAT_MS", 15'000, 100, 300'000));
  c.settings.demo = env.number("REWARDGW_DEMO", 0, 0, 1) == 1;
  c.providers = providers::default_provider_config(env.text("REWARDGW_SANDBOX_DIR").value_or((std::filesystem::temp_directory_path() / "rewardgw-sandbox").string()));
  c.providers_file = env.text("REWARDGW_PROVIDERS_FILE");
  if (c.providers_file) c.providers = read_providers_file(*c.providers_file);
  c.settings.providers.clear();
  for (const auto& [name, _] : c.providers.items()) c.settings.providers.insert(name);

  auto keys = env.text("REWARDGW_SECRETS_KEYS");
  if (auto file = env.text("REWARDGW_SECRETS_KEYS_FILE")) keys = read_file(*file, "REWARDGW_SECRETS_KEYS_FILE");
  if (!keys)
    throw std::invalid_argument("REWARDGW_SECRETS_KEYS or REWARDGW_SECRETS_KEYS_FILE is required: ID:BASE64 of 32 random bytes (openssl rand -base64 32)");
  c.sealer = std::make_shared<const crypto::Sealer>(crypto::Sealer::from_text(*keys));

  c.dispatch.worker = host_name() + ":" + std::to_string(::getpid());
  c.dispatch.concurrency = static_cast<std::size_t>(env.number("REWARDGW_DISPATCH_CONCURRENCY", 32, 0, 10'000));
  c.dispatch.lease = seconds(env.number("REWARDGW_DISPATCH_LEASE_S", 60, 2, 3600));
  c.dispatch.poll = milliseconds(env.number("REWARDGW_DISPATCH_POLL_MS", 1000, 10, 60'000));
  c.dispatch.retry.base = milliseconds(env.number("REWARDGW_RETRY_BASE_MS", 1000, 1, 3'600'000));
  c.dispatch.retry.cap = milliseconds(env.number("REWARDGW_RETRY_CAP_MS", 300'000, 1, 86'400'000));
  c.dispatch.retry.deadline = seconds(env.number("REWARDGW_RETRY_DEADLINE_S", 86'400, 1, 30 * 86'400));
  c.points.interval = milliseconds(env.number("REWARDGW_POINTS_JOB_INTERVAL_MS", 60'000, 0, 3'600'000));
  c.pulls.interval = milliseconds(env.number("REWARDGW_RECONCILE_PULL_INTERVAL_MS", 600'000, 0, 86'400'000));
  c.stock_interval = milliseconds(env.number("REWARDGW_STOCK_REFRESH_INTERVAL_MS", 300'000, 0, 86'400'000));
  c.retention_interval = std::chrono::seconds(env.number("REWARDGW_RETENTION_INTERVAL_S", 86'400, 0, 7 * 86'400));
  c.points.lots_per_batch = static_cast<int>(env.number("REWARDGW_EXPIRY_BATCH_LOTS", 10'000, 1, 1'000'000));
  c.webhooks.ca_file = env.text("REWARDGW_WEBHOOK_CA_FILE");
  c.settings.webhook_destinations.allowed = networks(env.text("REWARDGW_WEBHOOK_ALLOW_NETWORKS").value_or(""), "REWARDGW_WEBHOOK_ALLOW_NETWORKS");
  c.webhooks.retry_base = milliseconds(env.number("REWARDGW_WEBHOOK_RETRY_BASE_MS", 1000, 1, 3'600'000));
  c.webhooks.retry_cap = milliseconds(env.number("REWARDGW_WEBHOOK_RETRY_CAP_MS", 600'000, 1, 86'400'000));
  c.key_cache_ttl = seconds(env.number("REWARDGW_KEY_CACHE_TTL_S", 5, 0, 5));
  c.key_lookups_per_s = static_cast<double>(env.number("REWARDGW_KEY_LOOKUPS_PER_S", 50, 1, 1'000'000));
  c.shutdown_grace = seconds(env.number("REWARDGW_SHUTDOWN_GRACE_S", 10, 0, 600));
  return c;
}

}  // namespace rgw::app
