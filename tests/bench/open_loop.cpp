// rgw_open_loop: a fixed-rate (open-loop) HTTP/1.1 load generator for scripts/bench. Request k is due at
// start + k / rate whether or not earlier ones were answered, and its latency is counted from when it was due,
// so a stall shows in the figures instead of slowing the load down (closed-loop tools such as wrk hide it).
// Requests wait for one of --connections kept-alive connections, all opened before the first request is due (a
// client's pool, warm: a connect is not counted in a request's latency); one waiting counts its wait.
//   rgw_open_loop --host 127.0.0.1 --port P --rate R --seconds S [--connections C]
//                 --path /v1/redemptions --body TEMPLATE [--header "Name: value"]... [--per-second FILE]
// In the body and header values, {n} is the request's number and {random:N} a random integer from 1 to N.
// Prints the answers by status, the latency percentiles and the maximum; exits 1 on a transport error.
// --per-second writes one line per second of the run (by when requests were due): count, p50, p99, max — to tell
// a stall (slow requests bunched in a few seconds) from queueing (spread over the run).
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using clock_type = std::chrono::steady_clock;

namespace {

struct Options {
  std::string host = "127.0.0.1", path = "/", body, per_second;
  unsigned short port = 0;
  double rate = 0, seconds = 0;
  int connections = 256;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct Results {
  std::vector<double> latency_ms;
  std::vector<std::vector<double>> latency_ms_by_second;  // by the second of the run each request was due in
  std::map<unsigned, std::uint64_t> statuses;
  std::uint64_t errors = 0;
};

// {n} and {random:N} filled in.
std::string fill(const std::string& pattern, std::uint64_t n, std::mt19937_64& random) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size();) {
    if (pattern.compare(i, 3, "{n}") == 0) {
      out += std::to_string(n);
      i += 3;
    } else if (pattern.compare(i, 8, "{random:") == 0) {
      const auto end = pattern.find('}', i);
      const auto bound = std::stoull(pattern.substr(i + 8, end - i - 8));
      out += std::to_string(std::uniform_int_distribution<std::uint64_t>(1, bound)(random));
      i = end + 1;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

class Load {
 public:
  Load(asio::io_context& io, Options options) : io_(io), options_(std::move(options)), wake_(io, clock_type::time_point::max()) {}

  asio::awaitable<void> produce() {
    const auto total = static_cast<std::uint64_t>(options_.rate * options_.seconds);
    start_ = clock_type::now();
    const auto start = start_;
    asio::steady_timer timer(io_);
    for (std::uint64_t k = 0; k < total; ++k) {
      const auto due = start + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(static_cast<double>(k) / options_.rate));
      if (due > clock_type::now()) {
        timer.expires_at(due);
        co_await timer.async_wait(asio::use_awaitable);
      }
      queue_.push_back({k, due});
      wake_.cancel_one();
    }
    produced_ = true;
    wake_.cancel();
  }

  asio::awaitable<void> connection() {
    asio::ip::tcp::socket socket(io_);
    std::mt19937_64 random(std::random_device{}());
    boost::beast::flat_buffer buffer;
    try {
      co_await open(socket);
    } catch (const std::exception& e) {
      failed(0, e);
      boost::system::error_code ignored;
      socket.close(ignored);  // opened again for its first request
    }
    if (++ready_ == options_.connections) asio::co_spawn(io_, produce(), asio::detached);
    for (;;) {
      while (queue_.empty()) {
        if (produced_) co_return;
        co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
      }
      const auto [n, due] = queue_.front();
      queue_.pop_front();
      try {
        if (!socket.is_open()) co_await open(socket);
        beast_http::request<beast_http::string_body> request{beast_http::verb::post, options_.path, 11};
        request.set(beast_http::field::host, options_.host);
        for (const auto& [name, value] : options_.headers) request.set(name, fill(value, n, random));
        request.body() = fill(options_.body, n, random);
        request.prepare_payload();
        co_await beast_http::async_write(socket, request, asio::use_awaitable);
        beast_http::response<beast_http::string_body> response;
        co_await beast_http::async_read(socket, buffer, response, asio::use_awaitable);
        const double latency = std::chrono::duration<double, std::milli>(clock_type::now() - due).count();
        results_.latency_ms.push_back(latency);
        const auto second = static_cast<std::size_t>(std::chrono::duration<double>(due - start_).count());
        if (results_.latency_ms_by_second.size() <= second) results_.latency_ms_by_second.resize(second + 1);
        results_.latency_ms_by_second[second].push_back(latency);
        ++results_.statuses[response.result_int()];
        if (!response.keep_alive()) socket.close();
      } catch (const std::exception& e) {
        failed(n, e);
        boost::system::error_code ignored;
        socket.close(ignored);
      }
    }
  }

  const Results& results() const { return results_; }

 private:
  asio::awaitable<void> open(asio::ip::tcp::socket& socket) {
    const asio::ip::tcp::endpoint to(asio::ip::make_address(options_.host), options_.port);
    co_await socket.async_connect(to, asio::use_awaitable);
    socket.set_option(asio::ip::tcp::no_delay(true));
  }
  void failed(std::uint64_t n, const std::exception& e) {
    ++results_.errors;
    if (results_.errors <= 5) std::fprintf(stderr, "rgw_open_loop: request %llu: %s\n", static_cast<unsigned long long>(n), e.what());
  }

  struct Due {
    std::uint64_t n;
    clock_type::time_point at;
  };
  asio::io_context& io_;
  Options options_;
  asio::steady_timer wake_;  // cancelled when a request is due; stays at max()
  std::deque<Due> queue_;
  int ready_ = 0;  // connections that tried to open; the load starts when all have
  bool produced_ = false;
  clock_type::time_point start_;
  Results results_;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (name == "--host") o.host = value;
    else if (name == "--port") o.port = static_cast<unsigned short>(std::stoi(value));
    else if (name == "--rate") o.rate = std::stod(value);
    else if (name == "--seconds") o.seconds = std::stod(value);
    else if (name == "--connections") o.connections = std::stoi(value);
    else if (name == "--path") o.path = value;
    else if (name == "--body") o.body = value;
    else if (name == "--per-second") o.per_second = value;
    else if (name == "--header") {
      const auto colon = value.find(':');
      o.headers.emplace_back(value.substr(0, colon), value.substr(value.find_first_not_of(' ', colon + 1)));
    } else {
      std::fprintf(stderr, "rgw_open_loop: unknown option %s\n", name.c_str());
      std::exit(2);
    }
  }
  if (o.port == 0 || o.rate <= 0 || o.seconds <= 0 || o.connections <= 0) {
    std::fprintf(stderr, "usage: rgw_open_loop --port P --rate R --seconds S [--host H] [--connections C] [--path P] [--body B] [--header H]...\n");
    std::exit(2);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = parse(argc, argv);
  asio::io_context io(1);
  Load load(io, options);
  for (int i = 0; i < options.connections; ++i) asio::co_spawn(io, load.connection(), asio::detached);
  io.run();

  auto latencies = load.results().latency_ms;
  std::sort(latencies.begin(), latencies.end());
  const auto at = [](const std::vector<double>& sorted, double q) {
    return sorted.empty() ? 0.0 : sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(q * static_cast<double>(sorted.size())))];
  };
  if (!options.per_second.empty()) {
    std::FILE* out = std::fopen(options.per_second.c_str(), "w");
    if (out == nullptr) {
      std::perror(options.per_second.c_str());
      return 2;
    }
    std::fprintf(out, "second answered p50_ms p99_ms max_ms\n");
    auto by_second = load.results().latency_ms_by_second;
    for (std::size_t second = 0; second < by_second.size(); ++second) {
      auto& within = by_second[second];
      std::sort(within.begin(), within.end());
      std::fprintf(out, "%zu %zu %.2f %.2f %.2f\n", second, within.size(), at(within, 0.5), at(within, 0.99), within.empty() ? 0.0 : within.back());
    }
    std::fclose(out);
  }
  const auto over_250 = static_cast<std::size_t>(latencies.end() - std::upper_bound(latencies.begin(), latencies.end(), 250.0));
  std::printf("offered: %.0f requests/s for %.0f s\n", options.rate, options.seconds);
  std::printf("answered:");
  for (const auto& [status, count] : load.results().statuses) std::printf(" %u=%llu", status, static_cast<unsigned long long>(count));
  std::printf(" transport_errors=%llu\n", static_cast<unsigned long long>(load.results().errors));
  std::printf("latency ms: p50 %.2f p90 %.2f p99 %.2f p99.9 %.2f max %.2f\n", at(latencies, 0.5), at(latencies, 0.9), at(latencies, 0.99), at(latencies, 0.999), latencies.empty() ? 0.0 : latencies.back());
  std::printf("over 250 ms: %zu\n", over_250);
  return load.results().errors == 0 ? 0 : 1;
}
