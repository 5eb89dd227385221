// The inputs that broke the parsers when the gateway was probed and fuzzed (tests/data/probe, issue 12), each
// with what must happen to it now. Under scripts/test --sanitize these also prove the undefined behaviour gone.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fx/feeds.hpp"
#include "fx/xml.hpp"
#include "gateway/reports/csv.hpp"
#include "gateway/reports/statement.hpp"

namespace rgw {
namespace {

using namespace std::chrono;

std::string probe(const std::string& name) {
  std::ifstream in(std::filesystem::path(RGW_SOURCE_DIR) / "tests/data/probe" / name, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_TRUE(in) << name;
  return text.str();
}

const sys_seconds now = time_point_cast<seconds>(system_clock::now());

TEST(ProbeInputs, FeedsThatWouldStopTheRefreshOrPriceAtZeroAreRefused) {
  for (const char* name : {"feed-json-rate-1e-18-breaks-refresh.json", "feed-json-zero-cross-rate.json", "feed-cbr-extreme-values.xml"}) {
    const auto sets = fx::parse_feed(probe(name), now);
    ASSERT_FALSE(sets) << name;
    EXPECT_EQ(sets.error(), fx::errc::implausible_rates) << name << ": " << sets.error().message();
  }
}

TEST(ProbeInputs, SignedYearsAreMalformed) {
  for (const char* name : {"feed-ecb-negative-year.xml", "feed-cbr-negative-year.xml"})
    EXPECT_EQ(fx::parse_feed(probe(name), now).error(), fx::errc::malformed_feed) << name;
}

TEST(ProbeInputs, ASurrogateIsNotUtf8) {
  EXPECT_EQ(fx::xml::parse(probe("xml-surrogate-accepted.xml")).error(), fx::errc::malformed_feed);
}

TEST(ProbeInputs, BareCrLineEndsKeepEveryRecord) {
  const auto records = reports::parse_csv(probe("statement-bare-cr-drops-rows.csv"));
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[2].fields, (std::vector<std::string>{"c", "1"}));
  EXPECT_EQ(records[3].fields, (std::vector<std::string>{"d", "2"}));
  EXPECT_EQ(records[3].line, 4);
}

// The timestamps that reached undefined behaviour in date.h are bad rows with their line numbers.
TEST(ProbeInputs, TimestampsThatReachedUndefinedBehaviourAreBadRows) {
  const std::string header = std::string(reports::statement_header) + "\n";
  const auto hour = reports::parse_statement(header + probe("statement-timestamp-hour-ub.csv")).value();
  EXPECT_TRUE(hour.lines.empty());
  ASSERT_EQ(hour.bad_rows.size(), 2u);
  EXPECT_EQ(hour.bad_rows[0].line, 2);
  EXPECT_EQ(hour.bad_rows[1].line, 3);
  EXPECT_NE(hour.bad_rows[1].error.find("RFC 3339"), std::string::npos) << hour.bad_rows[1].error;

  const auto offset = reports::parse_statement(header + probe("statement-timestamp-offset-ub.csv")).value();
  EXPECT_EQ(offset.lines.size(), 1u) << "the multi-line record is well-formed";
  std::vector<int> bad;
  for (const auto& b : offset.bad_rows) bad.push_back(b.line);
  EXPECT_EQ(bad, (std::vector<int>{2, 3})) << "the quoted comma row and the NUL offset";
}

}  // namespace
}  // namespace rgw
