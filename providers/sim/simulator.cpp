#include "providers/sim/simulator.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <date/date.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "fx/feeds.hpp"
#include "providers/sim/order_api.hpp"

namespace rgw::sim {

namespace {

using namespace std::chrono;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("simulator: cannot read " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::filesystem::path find_sample(const std::string& dir, const std::string& prefix) {
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().filename().string().starts_with(prefix)) return entry.path();
  throw std::runtime_error("simulator: no " + prefix + "* in " + dir);
}

std::string ecb_daily(const fx::RateSet& set, const std::string& day) {
  std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>)" "\n"
                    R"(<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">)"
                    "<gesmes:subject>Reference rates</gesmes:subject><Cube><Cube time=\"" + day + "\">";
  for (const auto& [code, quote] : set.rates) xml += "<Cube currency=\"" + code + "\" rate=\"" + quote.units.to_string() + "\"/>";
  return xml + "</Cube></Cube></gesmes:Envelope>\n";
}

enum class fx_mode { ok, down, malformed };

}  // namespace

std::string ecb_reference_day(sys_seconds now) { return date::format("%F", floor<days>(now - fx::ecb_published_after)); }

struct Simulator::impl {
  explicit impl(SimulatorConfig c) : config(std::move(c)) {
    ecb_history = read_file(find_sample(config.data_dir, "ecb-eurofxref-hist"));
    cbr_daily = read_file(find_sample(config.data_dir, "cbr-daily-sample"));
    newest_ecb = fx::parse_ecb(ecb_history, {}).value().front();
    http::ServerConfig server_config;
    server_config.host = config.host;
    server_config.port = config.port;
    server_config.tls = config.tls;
    server = std::make_unique<http::Server>(std::vector<boost::asio::io_context*>{&io}, server_config,
                                            [this](http::Request& r, std::size_t, const boost::asio::ip::address&) { return handle(r); });
    server->start();
    thread = std::thread([this] { io.run(); });
  }

  ~impl() {
    server->stop();
    io.stop();
    thread.join();
  }

  // Not a coroutine lambda: a member, so nothing it uses dies before it finishes.
  boost::asio::awaitable<http::Reply> handle(http::Request& request) {
    ++requests;
    if (auto answer = authority.handle(request)) co_return std::move(*answer);
    for (auto& api : apis)
      if (auto answer = co_await api.handle(request)) co_return std::move(*answer);
    co_return respond(request);
  }

  http::Response respond(const http::Request& request) {
    const std::string target(request.target());
    if (target == "/admin/fx" && request.method() == boost::beast::http::verb::post) {
      const auto mode = nlohmann::json::parse(request.body(), nullptr, false).value("mode", "");
      if (mode == "ok") fx = fx_mode::ok;
      else if (mode == "down") fx = fx_mode::down;
      else if (mode == "malformed") fx = fx_mode::malformed;
      else return http::make_response(http::Status::bad_request, R"({"error":"mode is ok, down or malformed"})", "application/json");
      return http::make_response(http::Status::ok, R"({"mode":")" + mode + "\"}", "application/json");
    }
    if (target == "/admin/stats")
      return http::make_response(http::Status::ok,
                                 nlohmann::json{{"fx_requests", fx_requests.load()}, {"requests", requests.load()}, {"connections", server->accepted_connections()}}.dump(),
                                 "application/json");
    if (!target.starts_with("/fx/")) return http::make_response(http::Status::not_found, "", "text/plain");

    ++fx_requests;
    if (fx == fx_mode::down) return http::make_response(http::Status::service_unavailable, "feed down", "text/plain");
    std::string body, type = "application/xml";
    if (target == "/fx/ecb/hist.xml") {
      body = ecb_history;
    } else if (target == "/fx/ecb/daily.xml") {
      body = ecb_daily(newest_ecb, config.redate_today ? ecb_reference_day(floor<seconds>(system_clock::now())) : date::format("%F", newest_ecb.as_of));
    } else if (target == "/fx/cbr/daily.xml") {
      body = cbr_daily;
      if (config.redate_today) {
        const auto at = body.find("Date=\"") + 6;
        body.replace(at, 10, date::format("%d.%m.%Y", floor<days>(system_clock::now())));
      }
    } else if (target == "/fx/json/latest.json") {
      nlohmann::json rates;
      for (const auto& [code, quote] : newest_ecb.rates) rates[code] = quote.units.to_string();  // ECB quotes are per euro
      body = nlohmann::json{{"base", "EUR"}, {"timestamp", duration_cast<seconds>(system_clock::now().time_since_epoch()).count()}, {"rates", rates}}.dump();
      type = "application/json";
    } else {
      return http::make_response(http::Status::not_found, "", "text/plain");
    }
    if (fx == fx_mode::malformed) body.resize(body.size() / 2);
    return http::make_response(http::Status::ok, std::move(body), type);
  }

  SimulatorConfig config;
  std::string ecb_history, cbr_daily;
  fx::RateSet newest_ecb;
  std::atomic<fx_mode> fx{fx_mode::ok};
  std::atomic<long> fx_requests{0};
  std::atomic<long> requests{0};  // every request, the admin ones included
  Authority authority;
  std::array<OrderApi, 4> apis{OrderApi(make_dialect("tango"), authority), OrderApi(make_dialect("tremendous"), authority),
                               OrderApi(make_dialect("reloadly"), authority), OrderApi(make_dialect("billing"), authority)};
  boost::asio::io_context io{1};
  std::unique_ptr<http::Server> server;
  std::thread thread;
};

Simulator::Simulator(SimulatorConfig config) : impl_(std::make_unique<impl>(std::move(config))) {}
Simulator::~Simulator() = default;

unsigned short Simulator::port() const { return impl_->server->port(); }

std::string Simulator::url(const std::string& path) const {
  return (impl_->config.tls ? "https://" : "http://") + impl_->config.host + ":" + std::to_string(port()) + path;
}

}  // namespace rgw::sim
