#pragma once
// The provider simulator: a separate program (and a library tests run in-process) that plays the outside
// world. Today it serves rate feeds built from the shipped samples, with faults on demand:
//   GET  /fx/ecb/daily.xml   newest day of the ECB sample history (re-dated with redate_today: to the newest
//                            day the ECB has published, ecb_reference_day)
//   GET  /fx/ecb/hist.xml    the whole ECB sample history
//   GET  /fx/cbr/daily.xml   the Bank of Russia sample (re-dated to today with redate_today)
//   GET  /fx/json/latest.json  the newest ECB day as a JSON feed stamped with the current time
//   POST /admin/fx {"mode": "ok" | "down" | "malformed"}   down: 503; malformed: a truncated document
//   GET  /admin/stats        {"fx_requests": N, "requests": N, "connections": N accepted}
// and two provider order APIs (RaaS-style and rewards-order style) with faults on demand (order_api.hpp), each
// demanding the credentials it is told to, with an OAuth2 token endpoint (authority.hpp).
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "gateway/net/server.hpp"

namespace rgw::sim {

struct SimulatorConfig {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  std::string data_dir;  // holds ecb-eurofxref-hist-*.xml and cbr-daily-sample.xml
  bool redate_today = false;
  std::optional<http::TlsFiles> tls;  // serve HTTPS with this certificate
};

// The newest reference date whose ECB rates are out at `now`: today's only from 14:00 UTC, before that
// yesterday's — re-dated to today in the morning, the rates' as_of would lie in the future.
std::string ecb_reference_day(std::chrono::sys_seconds now);

class Simulator {
 public:
  // Reads the samples and listens at once; serves on its own thread until destroyed.
  explicit Simulator(SimulatorConfig config);
  ~Simulator();

  unsigned short port() const;
  std::string url(const std::string& path) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace rgw::sim
