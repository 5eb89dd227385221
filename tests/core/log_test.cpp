// The log: lines queued and written by the writer thread, each one JSON object on one line, whatever the
// field values hold, all of them written once flush() returns.
#include "gateway/core/log.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

namespace rgw::log {
namespace {

// stderr into a file for the test's life.
class CapturedStderr {
 public:
  CapturedStderr() : file_(std::tmpfile()), saved_(::dup(STDERR_FILENO)) { ::dup2(::fileno(file_), STDERR_FILENO); }
  ~CapturedStderr() {
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    std::fclose(file_);
  }
  std::vector<nlohmann::json> lines() {
    flush();
    std::rewind(file_);
    std::string text;
    char buffer[4096];
    while (const auto n = std::fread(buffer, 1, sizeof buffer, file_)) text.append(buffer, n);
    std::vector<nlohmann::json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));  // throws on a line that is not JSON
    return out;
  }

 private:
  std::FILE* file_;
  int saved_;
};

TEST(Log, ALineIsOneJsonObjectWhateverItsFieldsHold) {
  CapturedStderr captured;
  Line(level::info, "request")
      .field("path", "/v1/\"quoted\"\\back\nslash")
      .field("name", "Иван \xff\xfe broken")
      .field("status", std::int64_t{202})
      .flag("complete", false)
      .milliseconds("ms", 1.23456)
      .milliseconds("fast", 0.0425)
      .write();
  write(level::warn, "plain", {{"detail", "x"}});
  const auto lines = captured.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["msg"], "request");
  EXPECT_EQ(lines[0]["level"], "info");
  EXPECT_EQ(lines[0]["path"], "/v1/\"quoted\"\\back\nslash");
  EXPECT_EQ(lines[0]["name"], "Иван \xef\xbf\xbd\xef\xbf\xbd broken") << "invalid UTF-8 replaced, not thrown";
  EXPECT_EQ(lines[0]["status"], 202);
  EXPECT_EQ(lines[0]["complete"], false);
  EXPECT_DOUBLE_EQ(lines[0]["ms"].get<double>(), 1.235);
  EXPECT_DOUBLE_EQ(lines[0]["fast"].get<double>(), 0.043) << "the fraction's leading zero kept";
  EXPECT_TRUE(lines[0]["ts"].is_string());
  EXPECT_EQ(lines[1]["level"], "warn");
  EXPECT_EQ(lines[1]["detail"], "x");
}

TEST(Log, EveryLineOfManyThreadsIsWrittenWholeOnce) {
  CapturedStderr captured;
  constexpr int threads = 4, each = 5'000;
  std::vector<std::thread> writers;
  for (int t = 0; t < threads; ++t)
    writers.emplace_back([t] {
      for (int i = 0; i < each; ++i) Line(level::info, "n").field("thread", std::int64_t{t}).field("i", std::int64_t{i}).write();
    });
  for (auto& w : writers) w.join();
  const auto lines = captured.lines();
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(threads * each));
  std::vector<int> next(threads, 0);
  for (const auto& line : lines) {
    const int t = line["thread"];
    EXPECT_EQ(line["i"], next[t]++) << "one thread's lines in its order";
  }
  EXPECT_EQ(dropped(), 0u);
}

}  // namespace
}  // namespace rgw::log
