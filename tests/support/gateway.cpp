#include "tests/support/gateway.hpp"

#include <filesystem>
#include <random>
#include <stdexcept>

namespace rgw::test {

std::string unique_suffix() {
  static std::mt19937_64 rng{std::random_device{}()};
  return std::to_string(rng());
}

Gateway::Gateway(const std::function<void(app::Config&)>& adjust) : bootstrap_key("test-bootstrap-" + unique_suffix() + "-key") {
  app::Config config = app::config_from_environment([](const char* name) -> const char* {
    return std::string_view(name) == "REWARDGW_DATABASE_URL" ? std::getenv("REWARDGW_TEST_DATABASE_URL") : nullptr;
  });
  config.bootstrap_key = bootstrap_key;
  config.threads = 2;
  config.http.port = 0;
  config.db.max_size = 4;
  config.shutdown_grace = std::chrono::seconds(2);
  // Tests hammer and poll with one key; the rate limit has its own test.
  config.settings.rate_limit_per_second = config.settings.rate_limit_burst = 1e6;
  if (adjust) adjust(config);
  if (config.http.tls) ca_file = config.http.tls->certificate_chain;
  app_ = std::make_unique<app::App>(config);
  app_->start();
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
  auto key = [&](const char* role) -> std::string {
    const nlohmann::json body = {{"role", role}};
    return expect_created(client.request("POST", "/v1/programs/" + t.program_id + "/api-keys", body.dump(), bearer(bootstrap_key)),
                          "api key")["key"];
  };
  t.admin = key("admin");
  t.cabinet = key("cabinet");
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
