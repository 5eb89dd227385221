#include "gateway/api/input.hpp"

#include <gtest/gtest.h>

#include "gateway/api/errc.hpp"

namespace rgw::api {
namespace {

errc failure_of(auto&& f) {
  try {
    f();
  } catch (const Failure& e) {
    return e.code();
  }
  return errc{};
}

TEST(Input, TimestampsNeedAnOffsetAndBecomeUtc) {
  EXPECT_EQ(rfc3339(parse_timestamp("2027-12-31T23:59:59+03:00", "t")), "2027-12-31T20:59:59Z");
  EXPECT_EQ(rfc3339(parse_timestamp("2026-03-29T01:30:00-05:30", "t")), "2026-03-29T07:00:00Z");
  EXPECT_EQ(rfc3339(parse_timestamp("2026-11-22T12:30:00Z", "t")), "2026-11-22T12:30:00Z");
  EXPECT_EQ(rfc3339(parse_timestamp("2026-11-22T12:30:00.250Z", "t")), "2026-11-22T12:30:00.250000Z");
  for (auto bad : {"2026-11-22", "2026-11-22T12:30:00", "2026-11-22 12:30:00Z", "2026-13-01T00:00:00Z", "2026-11-22T12:30:00+0300",
                   "2026-11-22T12:30:00Zjunk", "yesterday", ""})
    EXPECT_EQ(failure_of([&] { parse_timestamp(bad, "t"); }), errc::invalid_request) << bad;
}

// Found by fuzzing: date.h has undefined behaviour on some offsets and accepts shapes RFC 3339 does not.
TEST(Input, TimestampsAreExactlyRfc3339) {
  EXPECT_EQ(rfc3339(parse_timestamp("2026-11-22t12:30:00z", "t")), "2026-11-22T12:30:00Z");
  EXPECT_EQ(rfc3339(parse_timestamp("2026-11-22T12:30:00.123456+00:00", "t")), "2026-11-22T12:30:00.123456Z");
  EXPECT_EQ(rfc3339(parse_timestamp("2028-02-29T00:00:00-23:59", "t")), "2028-02-29T23:59:00Z");
  for (auto bad : {"2026-11-03T20:59:59-aa:aa", "2026-11-03T9:0:0Z", "2026-11-03T20:59:59+23:99", "2026-11-03T20:59:59+24:00",
                   "-999-11-03T20:59:59Z", "+999-11-03T20:59:59Z", "0000-01-01T00:00:00Z", "2026-11-03T24:00:00Z", "2026-11-03T23:60:00Z",
                   "2026-11-03T23:59:60Z", "2027-02-29T00:00:00Z", "2026-11-03T20:59:59.Z", "2026-11-03T20:59:59.1234567Z",
                   "2026-11-03T20:59:59+03", "2026-11-03T20:59:59+03:00:00", "2026-11-03T20:59:59Z ", "2026-1-03T20:59:59Z",
                   "2026-11-03T20:59:59+0:000", "2026-11-03T20:59:5\xff+03:00"})
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
}

TEST(Input, BodiesWithDuplicateMembersOrNulAreRefused) {
  auto parse = [](const std::string& body) {
    http::Request r;
    r.set(http::beast::http::field::content_type, "application/json");
    r.body() = body;
    return parse_object(r, 32);
  };
  EXPECT_EQ(parse(R"({"a": {"x": 1}, "b": {"x": 2}})")["b"]["x"], 2) << "the same name in two objects is fine";
  EXPECT_EQ(failure_of([&] { parse(R"({"account_id": "B", "account_id": "A"})"); }), errc::invalid_request);
  EXPECT_EQ(failure_of([&] { parse(R"({"a": {"x": 1, "x": 2}})"); }), errc::invalid_request);
  EXPECT_EQ(failure_of([&] { parse(R"({"external_ref": "a\u0000b"})"); }), errc::invalid_request);
  EXPECT_EQ(failure_of([&] { parse(R"({"a\u0000": 1})"); }), errc::invalid_request);
  EXPECT_EQ(failure_of([&] { parse("{\"a\": \"\xff\"}"); }), errc::invalid_request) << "not UTF-8";
}

TEST(Input, IntegersAreStrict) {
  auto body = nlohmann::json::parse(R"({"a": 5, "b": "5", "c": 5.0, "d": -1, "e": 18446744073709551615})");
  EXPECT_EQ(required_integer(body, "a", 1, 10), 5);
  EXPECT_EQ(failure_of([&] { required_integer(body, "b", 1, 10); }), errc::invalid_request);
  EXPECT_EQ(failure_of([&] { required_integer(body, "c", 1, 10); }), errc::invalid_request);
  EXPECT_EQ(failure_of([&] { required_integer(body, "d", 1, 10); }), errc::invalid_request);
  EXPECT_EQ(failure_of([&] { required_integer(body, "e", 1, 10); }), errc::invalid_request);
  EXPECT_EQ(failure_of([&] { required_integer(body, "missing", 1, 10); }), errc::invalid_request);
  EXPECT_FALSE(optional_integer(body, "missing", 1, 10));
}

TEST(Input, MoneyIsAStringAmountAndAKnownCurrency) {
  auto body = nlohmann::json::parse(R"({"ok": {"amount": "50", "currency": "EUR"}, "num": {"amount": 50, "currency": "EUR"},
    "precise": {"amount": "10.005", "currency": "EUR"}, "neg": {"amount": "-1.00", "currency": "EUR"},
    "cur": {"amount": "1", "currency": "eur"}, "extra": {"amount": "1", "currency": "EUR", "x": 1}})");
  EXPECT_EQ(required_money(body, "ok").amount_string(), "50.00");
  for (auto field : {"num", "precise", "neg", "cur", "extra", "missing"})
    EXPECT_EQ(failure_of([&] { required_money(body, field); }), errc::invalid_request) << field;
}

TEST(Input, QueryParametersAndCursors) {
  EXPECT_EQ(query_param("/x?a=1&b=hello%20world&c=a+b", "b"), "hello world");
  EXPECT_EQ(query_param("/x?a=1&c=a+b", "c"), "a b");
  EXPECT_EQ(query_param("/x?a", "a"), "");
  EXPECT_FALSE(query_param("/x?a=1", "b"));
  EXPECT_FALSE(query_param("/x", "a"));
  EXPECT_EQ(failure_of([] { query_param("/x?a=%zz", "a"); }), errc::invalid_request);
  EXPECT_EQ(query_param("/x?name=%D0%9F", "name"), "\xD0\x9F");
  for (auto bad : {"/x?a=%ff", "/x?a=%-1", "/x?a=%+1", "/x?a=%00", "/x?a=%0a", "/x?a=\xff", "/x?a=%C0%AF"})
    EXPECT_EQ(failure_of([&] { query_param(bad, "a"); }), errc::invalid_request) << bad;
  EXPECT_EQ(page_limit("/x"), 50);
  EXPECT_EQ(page_limit("/x?limit=500"), 500);
  for (auto bad : {"/x?limit=0", "/x?limit=501", "/x?limit=ten", "/x?limit=5x"})
    EXPECT_EQ(failure_of([&] { page_limit(bad); }), errc::invalid_request) << bad;
  EXPECT_EQ(cursor_param("/x?cursor=" + encode_cursor(1234)), 1234);
  for (auto bad : {"/x?cursor=1234", "/x?cursor=c", "/x?cursor=c-5", "/x?cursor=c12x", "/x?cursor=c0009", "/x?cursor=c+9"})
    EXPECT_EQ(failure_of([&] { cursor_param(bad); }), errc::invalid_request) << bad;
}

}  // namespace
}  // namespace rgw::api
