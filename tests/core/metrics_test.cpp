// The Prometheus text rendering of counters and histograms.
#include "gateway/core/metrics.hpp"

#include <gtest/gtest.h>

namespace rgw::metrics {
namespace {

using namespace std::chrono_literals;

TEST(Metrics, CountersAndHistogramsRenderInTheTextFormat) {
  Registry r;
  r.describe_counter("t_requests_total", "Requests.");
  r.describe_histogram("t_latency_seconds", "Latency.");
  r.counter("t_requests_total", {{"route", "/v1/x"}, {"status", "200"}}).add();
  r.counter("t_requests_total", {{"route", "/v1/x"}, {"status", "200"}}).add(2);
  r.counter("t_requests_total", {{"route", "say \"hi\"\\"}, {"status", "500"}}).add();
  auto& h = r.histogram("t_latency_seconds", {{"route", "/v1/x"}});
  h.observe(3ms);
  h.observe(40ms);
  h.observe(60s);  // beyond the last bucket: only +Inf
  const auto text = r.render();
  EXPECT_NE(text.find("# HELP t_requests_total Requests.\n# TYPE t_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("t_requests_total{route=\"/v1/x\",status=\"200\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("t_requests_total{route=\"say \\\"hi\\\"\\\\\",status=\"500\"} 1\n"), std::string::npos) << "escaped";
  EXPECT_NE(text.find("# TYPE t_latency_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("t_latency_seconds_bucket{route=\"/v1/x\",le=\"0.0025\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("t_latency_seconds_bucket{route=\"/v1/x\",le=\"0.005\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("t_latency_seconds_bucket{route=\"/v1/x\",le=\"0.05\"} 2\n"), std::string::npos) << "cumulative";
  EXPECT_NE(text.find("t_latency_seconds_bucket{route=\"/v1/x\",le=\"30\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("t_latency_seconds_bucket{route=\"/v1/x\",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("t_latency_seconds_count{route=\"/v1/x\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("t_latency_seconds_sum{route=\"/v1/x\"} 60.043"), std::string::npos);
  EXPECT_THROW(r.counter("t_undeclared_total"), std::logic_error);
  EXPECT_THROW(r.histogram("t_requests_total"), std::logic_error) << "a counter is not a histogram";
}

TEST(Metrics, GaugesRenderOneLinePerSample) {
  EXPECT_EQ(render_gauge("t_age_seconds", "Age.", {{{}, 1.5}}), "# HELP t_age_seconds Age.\n# TYPE t_age_seconds gauge\nt_age_seconds 1.5\n");
  EXPECT_EQ(render_gauge("t_open", "Open.", {{{{"provider", "a"}}, 2}, {{{"provider", "b"}}, 0}}),
            "# HELP t_open Open.\n# TYPE t_open gauge\nt_open{provider=\"a\"} 2\nt_open{provider=\"b\"} 0\n");
  // Plain digits while they are short, exponents for the very large and very small.
  EXPECT_EQ(render_gauge("t_v", "V.", {{{}, 100000}, {{}, 1234567.89}, {{}, 0.005}, {{}, 2e20}, {{}, 1e-9}}),
            "# HELP t_v V.\n# TYPE t_v gauge\nt_v 100000\nt_v 1234567.89\nt_v 0.005\nt_v 2e+20\nt_v 1e-09\n");
}

}  // namespace
}  // namespace rgw::metrics
