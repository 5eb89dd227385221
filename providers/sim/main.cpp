// rewardgw-sim: the provider simulator for tests, the demo and benchmarks. See simulator.hpp for what it serves.
//   rewardgw-sim --data DIR [--listen HOST:PORT] [--redate-today] [--tls CERT.pem KEY.pem]
#include <csignal>
#include <iostream>
#include <pthread.h>
#include <string>

#include "providers/sim/simulator.hpp"

int main(int argc, char** argv) {
  rgw::sim::SimulatorConfig config;
  config.port = 8090;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--data" && i + 1 < argc) {
      config.data_dir = argv[++i];
    } else if (arg == "--listen" && i + 1 < argc) {
      const std::string listen = argv[++i];
      const auto colon = listen.rfind(':');
      config.host = listen.substr(0, colon);
      config.port = static_cast<unsigned short>(std::stoi(listen.substr(colon + 1)));
    } else if (arg == "--redate-today") {
      config.redate_today = true;
    } else if (arg == "--tls" && i + 2 < argc) {
      config.tls = rgw::http::TlsFiles{argv[i + 1], argv[i + 2]};
      i += 2;
    } else {
      std::cerr << "usage: rewardgw-sim --data DIR [--listen HOST:PORT] [--redate-today] [--tls CERT.pem KEY.pem]\n";
      return 2;
    }
  }
  if (config.data_dir.empty()) {
    std::cerr << "rewardgw-sim: --data DIR is required (the repository's tests/data)\n";
    return 2;
  }
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  try {
    rgw::sim::Simulator sim(config);
    std::cout << "rewardgw-sim listening on " << sim.url("") << std::endl;
    if (config.redate_today)
      std::cout << "rewardgw-sim: the sample rate feeds are re-dated to today (the rates themselves are the sample's)" << std::endl;
    int signal = 0;
    sigwait(&stop, &signal);
  } catch (const std::exception& e) {
    std::cerr << "rewardgw-sim: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
