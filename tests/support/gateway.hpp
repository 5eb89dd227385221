#pragma once
// A real gateway (the same App as the binary) on a free loopback port, against the test database.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "gateway/app/app.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/run.hpp"

namespace rgw::test {

using Headers = std::multimap<std::string, std::string>;

inline Headers bearer(const std::string& key, Headers more = {}) {
  more.emplace("Authorization", "Bearer " + key);
  return more;
}

// The environment of a test gateway: this database, a test sealing key, defaults for the rest.
app::Environment test_environment(const char* database_url);

class Gateway {
 public:
  explicit Gateway(const std::function<void(app::Config&)>& adjust = {});
  ~Gateway();

  Client client() const { return Client{app_->port(), ca_file}; }
  unsigned short port() const { return app_->port(); }
  void stop() { app_->stop(); }
  // What SIGHUP does: the providers file read again (nullopt: in force; else why not).
  std::optional<std::string> reload_providers() { return app_->reload_providers(); }

  std::string bootstrap_key;
  std::string records_dir;  // sandbox providers keep their records of what they issued below this
  std::string records(const std::string& provider) const { return records_dir + "/" + provider; }
  std::optional<std::string> ca_file;

 private:
  std::unique_ptr<app::App> app_;
};

// A program with one key per role and one account.
struct Tenant {
  std::string program_id;
  std::string admin, cabinet, finance, ops;
  std::string admin_key_id, cabinet_key_id;
  std::string account_id;
};

Tenant make_tenant(const Client& client, const std::string& bootstrap_key);

// Polls `probe` until it returns `want` or `bound` passes; returns the last value (so a test can assert on it).
template <class Probe>
auto eventually(Probe probe, decltype(probe()) want, std::chrono::seconds bound = std::chrono::seconds(15)) {
  auto got = probe();
  for (auto until = std::chrono::steady_clock::now() + bound; got != want && std::chrono::steady_clock::now() < until;) got = probe();
  return got;
}
std::string unique_suffix();

struct CommandOutput {
  std::string out;  // standard output
  int status = -1;  // as pclose() reports it: 0 for a clean exit 0
};
// An unlabelled counter's value in the gateway's /metrics (0 when absent).
std::uint64_t counter_value(const Client& client, const std::string& name);

// Runs a shell command to its end.
CommandOutput run_shell(const std::string& command);
// promtool's linter over a /metrics body: its complaints, empty when the text passes.
std::string promtool_check(const std::string& metrics_text);

// A self-signed certificate for 127.0.0.1 (its own CA), made with the openssl CLI in a fresh directory.
struct TestCertificate {
  TestCertificate();
  ~TestCertificate();
  std::string dir, cert, key;
};

}  // namespace rgw::test
