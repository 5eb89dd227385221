// rewardgw: the reward fulfilment gateway. Configuration comes from REWARDGW_* variables (docs/configuration.md).
//   rewardgw                                   serve the API
//   rewardgw load-catalog PROGRAM_ID FILE      load products in bulk (gateway/app/load_catalog.hpp)
//   rewardgw import-catalog --provider NAME    a provider's catalog as a load-catalog file (gateway/app/import_catalog.hpp)
//   rewardgw report payouts --program ID ...   the payout report on stdout (gateway/app/report.hpp)
#include <csignal>
#include <cstdio>
#include <span>
#include <string_view>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <pthread.h>
#include <sys/resource.h>

#include "gateway/app/app.hpp"
#include "gateway/app/import_catalog.hpp"
#include "gateway/app/load_catalog.hpp"
#include "gateway/app/report.hpp"
#include "gateway/core/log.hpp"

namespace {

// Each connection is a descriptor; the usual soft limit (1024) is far below the hard one. Raised as far as
// allowed, with a warning when REWARDGW_MAX_CONNECTIONS cannot fit under it.
void raise_descriptor_limit(std::size_t max_connections) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  ::getrlimit(RLIMIT_NOFILE, &limit);
  constexpr std::size_t reserve = 256;  // database connections, files, the listener
  if (limit.rlim_cur != RLIM_INFINITY && max_connections + reserve > limit.rlim_cur)
    rgw::log::write(rgw::log::level::warn, "descriptor limit below REWARDGW_MAX_CONNECTIONS",
                    {{"descriptors", static_cast<std::uint64_t>(limit.rlim_cur)}, {"max_connections", max_connections}});
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rgw;
  app::Config config;
  try {
    config = app::config_from_environment(std::getenv);
  } catch (const std::exception& e) {
    log::write(log::level::error, "bad configuration", {{"detail", e.what()}});
    return 2;
  }
  if (argc == 4 && std::string_view(argv[1]) == "load-catalog") return app::load_catalog(config, argv[2], argv[3]);
  if (argc == 4 && std::string_view(argv[1]) == "import-catalog" && std::string_view(argv[2]) == "--provider") return app::import_catalog(config, argv[3], std::cout, std::cerr);
  if (argc >= 2 && std::string_view(argv[1]) == "report") return app::report(config, std::span<char* const>(argv + 2, argc - 2));
  if (argc != 1) {
    std::fprintf(stderr, "usage: rewardgw | rewardgw load-catalog PROGRAM_ID FILE | rewardgw import-catalog --provider NAME | rewardgw report payouts --program ID ...\n");
    return 2;
  }
  // Block the stop signals and SIGHUP before any thread starts, so only sigwait below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  raise_descriptor_limit(config.http.max_connections);
  if (config.settings.demo)
    log::write(log::level::warn, "demo mode: GET /demo/cabinet hands a member token for any account to whoever asks (REWARDGW_DEMO=1)");
  app::App gateway(config);
  try {
    gateway.start();
  } catch (const std::exception& e) {
    log::write(log::level::error, "cannot start", {{"detail", e.what()}});
    return 1;
  }
  log::write(log::level::info, "listening",
             {{"address", config.http.host}, {"port", gateway.port()}, {"threads", config.threads}, {"tls", config.http.tls.has_value()}});
  int signal = 0;
  // SIGHUP reads the providers file again; the stop signals end the wait.
  while (sigwait(&stop_signals, &signal) == 0 && signal == SIGHUP) {
    if (auto refused = gateway.reload_providers())
      log::write(log::level::error, "providers file not reloaded; the running providers stay", {{"detail", *refused}});
    else
      log::write(log::level::info, "providers file reloaded");
  }
  log::write(log::level::info, "stopping", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
  gateway.stop();
  return 0;
}
