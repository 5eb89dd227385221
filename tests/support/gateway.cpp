#include "tests/support/gateway.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

#include "gateway/net/url.hpp"
#include "providers/registry.hpp"

namespace rgw::test {

std::string unique_suffix() {
  static std::mt19937_64 rng{std::random_device{}()};
  return std::to_string(rng());
}

std::uint64_t counter_value(const Client& client, const std::string& name) {
  const auto text = client.request("GET", "/metrics").body;
  const auto at = text.find("\n" + name + " ");
  return at == std::string::npos ? 0 : std::stoull(text.substr(at + name.size() + 2));
}

CommandOutput run_shell(const std::string& command) {
  CommandOutput result;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) result.out.append(buffer, n);
    result.status = ::pclose(pipe);
  }
  return result;
}

std::string promtool_check(const std::string& metrics_text) {
  const auto file = std::filesystem::temp_directory_path() / ("rgw-metrics-" + unique_suffix() + ".txt");
  std::ofstream(file) << metrics_text;
  const auto checked = run_shell("promtool check metrics < " + file.string() + " 2>&1");
  std::filesystem::remove(file);
  return checked.status == 0 ? "" : checked.out + " (status " + std::to_string(checked.status) + ")";
}

// A key for sealing test rewards; it protects nothing.
const char* const test_secrets_key = "test:/TEES0Vvav+eAACKeyZSow2bAuepbjcXIxzJ3pTwHG4=";

app::Environment test_environment(const char* database_url) {
  return [url = std::string(database_url ? database_url : "")](const char* name) -> const char* {
    const std::string_view n(name);
    if (n == "REWARDGW_DATABASE_URL") return url.empty() ? nullptr : url.c_str();
    if (n == "REWARDGW_SECRETS_KEYS") return test_secrets_key;
    return nullptr;
  };
}

Gateway::Gateway(const std::function<void(app::Config&)>& adjust)
    : bootstrap_key("test-bootstrap-" + unique_suffix() + "-key"),
      records_dir((std::filesystem::temp_directory_path() / ("rgw-records-" + unique_suffix())).string()) {
  app::Config config = app::config_from_environment(test_environment(std::getenv("REWARDGW_TEST_DATABASE_URL")));
  config.providers = providers::default_provider_config(records("sandbox"));
  // Quick retries and short leases, so fault tests finish in seconds.
  config.dispatch.retry = {std::chrono::milliseconds(20), std::chrono::milliseconds(400), std::chrono::seconds(120)};
  config.dispatch.poll = std::chrono::milliseconds(200);
  config.stock_interval = std::chrono::milliseconds(0);  // the providers' catalogs are read only where a test asks
  config.dispatch.lease = std::chrono::seconds(5);
  config.webhooks.poll = std::chrono::milliseconds(100);
  config.webhooks.retry_base = std::chrono::milliseconds(50);
  config.webhooks.retry_cap = std::chrono::milliseconds(500);
  config.settings.webhook_destinations.allowed = {*http::Network::parse("127.0.0.0/8")};  // test receivers are local
  config.bootstrap_key = bootstrap_key;
  config.threads = 2;
  config.http.port = 0;
  config.db.max_size = 4;
  config.shutdown_grace = std::chrono::seconds(2);
  // Tests hammer and poll with one key; the rate limit has its own test.
  config.settings.rate_limit_per_second = config.settings.rate_limit_burst = 1e6;
  config.key_lookups_per_s = 1e6;
  if (adjust) adjust(config);
  config.settings.providers.clear();
  for (const auto& [name, _] : config.providers.items()) config.settings.providers.insert(name);
  if (config.http.tls) ca_file = config.http.tls->certificate_chain;
  app_ = std::make_unique<app::App>(config);
  app_->start();
}

Gateway::~Gateway() {
  app_->stop();
  std::error_code ignored;
  std::filesystem::remove_all(records_dir, ignored);
}

namespace {
nlohmann::json expect_created(const Reply& r, const char* what) {
  if (r.status != 201) throw std::runtime_error(std::string(what) + " failed: " + std::to_string(r.status) + " " + r.body);
  return r.json();
}
}  // namespace

Tenant make_tenant(const Client& client, const std::string& bootstrap_key) {
  Tenant t;
  const nlohmann::json program = {{"name", "Test program " + unique_suffix()},
                                  {"base_currency", "EUR"},
                                  {"point_value", {{"amount", "0.01"}, {"currency", "EUR"}}},
                                  {"timezone", "Europe/Moscow"},
                                  {"fx_markup_bps", 150}};
  t.program_id = expect_created(client.request("POST", "/v1/programs", program.dump(), bearer(bootstrap_key)), "program")["id"];
  auto key = [&](const char* role, std::string* id = nullptr) -> std::string {
    const nlohmann::json body = {{"role", role}};
    const auto created = expect_created(client.request("POST", "/v1/programs/" + t.program_id + "/api-keys", body.dump(), bearer(bootstrap_key)), "api key");
    if (id) *id = created["id"];
    return created["key"];
  };
  t.admin = key("admin", &t.admin_key_id);
  t.cabinet = key("cabinet", &t.cabinet_key_id);
  t.finance = key("finance");
  t.ops = key("ops");
  const nlohmann::json account = {{"external_ref", "crm-" + unique_suffix()}, {"name", "ООО Ромашка"}, {"tier", "gold"}};
  t.account_id = expect_created(client.request("POST", "/v1/accounts", account.dump(), bearer(t.admin)), "account")["id"];
  return t;
}

TestCertificate::TestCertificate() {
  dir = (std::filesystem::temp_directory_path() / ("rgw-tls-" + unique_suffix())).string();
  std::filesystem::create_directories(dir);
  cert = dir + "/cert.pem";
  key = dir + "/key.pem";
  const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1"
                          " -addext subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert + " 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl CLI failed (scripts/setup-deps installs it)");
}

TestCertificate::~TestCertificate() { std::filesystem::remove_all(dir); }

}  // namespace rgw::test
