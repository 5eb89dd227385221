#include "tests/support/gateway_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/support/gateway.hpp"

namespace rgw::test {

unsigned short free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("no free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

GatewayProcess::GatewayProcess(std::map<std::string, std::string> env, std::string log_path) : port_(free_port()), log_path_(std::move(log_path)) {
  env["REWARDGW_LISTEN"] = "127.0.0.1:" + std::to_string(port_);
  std::vector<std::string> entries;
  for (const auto& [name, value] : env) entries.push_back(name + "=" + value);
  if (const char* path = std::getenv("PATH")) entries.push_back(std::string("PATH=") + path);
  std::vector<char*> envp;
  for (auto& e : entries) envp.push_back(e.data());
  envp.push_back(nullptr);
  const int log = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    char* argv[] = {const_cast<char*>(RGW_GATEWAY_BINARY), nullptr};
    ::execve(RGW_GATEWAY_BINARY, argv, envp.data());
    ::_exit(127);
  }
  ::close(log);
  if (pid_ < 0) throw std::runtime_error("fork failed");
  auto probe = [this]() -> unsigned {
    try {
      return client().request("GET", "/healthz").status;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // not listening yet: no busy loop
      return 0;
    }
  };
  const auto healthy = eventually(probe, 200u, std::chrono::seconds(15));
  if (healthy != 200u) {
    kill_hard();
    throw std::runtime_error("the gateway process did not come up; see " + log_path_);
  }
}

void GatewayProcess::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

GatewayProcess::~GatewayProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  ::waitpid(pid_, nullptr, 0);
}

}  // namespace rgw::test
