#pragma once
// The real `rewardgw` binary in a child process, for tests that must kill a gateway (-9) or run two of them.
#include <sys/types.h>

#include <map>
#include <string>

#include "tests/support/http_client.hpp"

namespace rgw::test {

class GatewayProcess {
 public:
  // Starts the binary with `env` (plus REWARDGW_LISTEN on a free loopback port) and waits until /healthz answers.
  // Its log goes to `log_path`. Throws if it does not come up within 15 s.
  GatewayProcess(std::map<std::string, std::string> env, std::string log_path);
  ~GatewayProcess();  // SIGTERM, then waits
  GatewayProcess(const GatewayProcess&) = delete;
  GatewayProcess& operator=(const GatewayProcess&) = delete;

  void kill_hard();  // SIGKILL: no shutdown code runs
  Client client() const { return Client{port_, std::nullopt}; }
  unsigned short port() const { return port_; }
  const std::string& log_path() const { return log_path_; }

 private:
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  std::string log_path_;
};

// A loopback port nobody listens on right now.
unsigned short free_port();

}  // namespace rgw::test
