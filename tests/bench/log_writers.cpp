// The request log's writer against spdlog's asynchronous logger (Debian's libspdlog-dev), writing the gateway's
// request line to a file from two threads (the gateway's two I/O threads). Measured per writer: what a line costs
// the process in CPU (user + system, the writing thread included: the cores are shared with the requests), how
// long the calling thread waits per line (sampled), and lines dropped. Two loads: paced (a fixed rate per thread,
// as requests come) and a burst (as fast as the threads can). Run by `scripts/bench log`.
//
//   rgw_log_bench --writer own|spdlog-block|spdlog-drop --file PATH [--threads 2] [--rate 50000] [--seconds 5]
//                 [--burst-lines 1000000]
#include <fcntl.h>
#include <spdlog/async.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "gateway/core/log.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

// One request's fields, as gateway/api/api.cpp logs them.
struct Request {
  std::string request_id = "req_01M8WRSYBYMG1FV99V6ZBR1DKC", method = "GET", path = "/v1/catalog", key_id = "key_01M8WRSWZJYMP0DXY83T58KMVA",
              program_id = "prg_01M8WRSWYVE5BVPM4PVGYQTNQ9";
  std::int64_t status = 200;
  double ms = 0.412;
};

using LogOne = std::function<void(const Request&)>;

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Run {
  std::uint64_t lines = 0;
  double wall_s = 0, cpu_s = 0;
  std::vector<double> waits_ns;  // sampled calls
};

// `threads` threads each log `lines` lines, at `rate` per second each (0: as fast as they can); every 16th call is
// timed. `flush` returns once every line is written.
Run load(const LogOne& log_one, const std::function<void()>& flush, int threads, std::uint64_t lines, double rate) {
  std::vector<std::vector<double>> waits(static_cast<std::size_t>(threads));
  const auto cpu_before = cpu_seconds();
  const auto start = clock_type::now();
  std::vector<std::thread> producers;
  for (int t = 0; t < threads; ++t)
    producers.emplace_back([&, t] {
      Request request;
      auto& mine = waits[static_cast<std::size_t>(t)];
      mine.reserve(lines / 16 + 1);
      for (std::uint64_t i = 0; i < lines; ++i) {
        if (rate > 0 && i % 64 == 0) std::this_thread::sleep_until(start + std::chrono::duration<double>(static_cast<double>(i) / rate));
        request.status = 200 + static_cast<std::int64_t>(i % 3);
        if (i % 16 != 0) {
          log_one(request);
          continue;
        }
        const auto before = clock_type::now();
        log_one(request);
        mine.push_back(std::chrono::duration<double, std::nano>(clock_type::now() - before).count());
      }
    });
  for (auto& p : producers) p.join();
  flush();
  Run run;
  run.wall_s = std::chrono::duration<double>(clock_type::now() - start).count();
  run.cpu_s = cpu_seconds() - cpu_before;
  run.lines = lines * static_cast<std::uint64_t>(threads);
  for (auto& w : waits) run.waits_ns.insert(run.waits_ns.end(), w.begin(), w.end());
  std::sort(run.waits_ns.begin(), run.waits_ns.end());
  return run;
}

void report(const std::string& writer, const std::string& load_name, const Run& run, std::uint64_t dropped) {
  const auto at = [&](double q) { return run.waits_ns.empty() ? 0.0 : run.waits_ns[static_cast<std::size_t>(q * static_cast<double>(run.waits_ns.size() - 1))]; };
  std::printf("%s %s: %llu lines in %.3f s (%.0f lines/s); cpu %.0f ns per line; caller waits p50 %.0f ns, p99 %.0f ns, max %.0f ns; dropped %llu\n",
              writer.c_str(), load_name.c_str(), static_cast<unsigned long long>(run.lines), run.wall_s, static_cast<double>(run.lines) / run.wall_s,
              run.cpu_s * 1e9 / static_cast<double>(run.lines), at(0.5), at(0.99), run.waits_ns.empty() ? 0.0 : run.waits_ns.back(),
              static_cast<unsigned long long>(dropped));
}

}  // namespace

int main(int argc, char** argv) {
  std::string writer, file;
  int threads = 2;
  double rate = 50'000, seconds = 5;
  std::uint64_t burst_lines = 1'000'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--writer") writer = value;
    else if (flag == "--file") file = value;
    else if (flag == "--threads") threads = std::stoi(value);
    else if (flag == "--rate") rate = std::stod(value);
    else if (flag == "--seconds") seconds = std::stod(value);
    else if (flag == "--burst-lines") burst_lines = std::stoull(value);
    else {
      std::cerr << "rgw_log_bench: unknown flag " << flag << "\n";
      return 2;
    }
  }
  if (file.empty() || (writer != "own" && writer != "spdlog-block" && writer != "spdlog-drop")) {
    std::cerr << "usage: rgw_log_bench --writer own|spdlog-block|spdlog-drop --file PATH [--threads N] [--rate LINES_PER_S_PER_THREAD] [--seconds S]"
                 " [--burst-lines N]\n";
    return 2;
  }
  LogOne log_one;
  std::function<void()> flush;
  std::function<std::uint64_t()> dropped;
  std::shared_ptr<spdlog::logger> logger;
  if (writer == "own") {
    // The gateway's writer writes to stderr: the file takes its place.
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
    if (fd < 0 || ::dup2(fd, STDERR_FILENO) < 0) {
      std::perror(file.c_str());
      return 1;
    }
    log_one = [](const Request& r) {
      rgw::log::Line(rgw::log::level::info, "request")
          .field("request_id", r.request_id)
          .field("method", r.method)
          .field("path", r.path)
          .field("status", r.status)
          .field("key_id", r.key_id)
          .field("program_id", r.program_id)
          .milliseconds("ms", r.ms)
          .write();
    };
    flush = [] { rgw::log::flush(); };
    dropped = [] { return rgw::log::dropped(); };
  } else {
    // spdlog at its best for this: one worker thread with a large queue, a single-threaded file sink (only the worker
    // writes), the time and level formatted by the worker from the pattern, the fields by fmt in the caller.
    spdlog::init_thread_pool(1 << 16, 1);
    auto sink = std::make_shared<spdlog::sinks::basic_file_sink_st>(file, true);
    const auto policy = writer == "spdlog-block" ? spdlog::async_overflow_policy::block : spdlog::async_overflow_policy::overrun_oldest;
    logger = std::make_shared<spdlog::async_logger>("request", sink, spdlog::thread_pool(), policy);
    logger->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","msg":"request",%v})", spdlog::pattern_time_type::utc);
    log_one = [&logger](const Request& r) {
      logger->info(R"("request_id":"{}","method":"{}","path":"{}","status":{},"key_id":"{}","program_id":"{}","ms":{:.3f})", r.request_id, r.method,
                   r.path, r.status, r.key_id, r.program_id, r.ms);
    };
    // The worker takes the flush after every line queued before it, and the sink's file buffer is written then.
    flush = [&logger] {
      logger->flush();
      while (spdlog::thread_pool()->queue_size() > 0) std::this_thread::yield();
    };
    dropped = [] { return static_cast<std::uint64_t>(spdlog::thread_pool()->overrun_counter()); };
  }
  const auto paced_lines = static_cast<std::uint64_t>(rate * seconds);
  const auto paced = load(log_one, flush, threads, paced_lines, rate);
  report(writer, "paced-" + std::to_string(static_cast<long long>(rate)) + "/s-per-thread", paced, dropped());
  const auto dropped_before = dropped();
  const auto burst = load(log_one, flush, threads, burst_lines, 0);
  report(writer, "burst", burst, dropped() - dropped_before);
  if (logger) spdlog::shutdown();
  return 0;
}
