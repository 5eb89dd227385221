#include "gateway/api/input.hpp"

#include <gtest/gtest.h>

namespace rgw::api {
namespace {

http::Request get(std::string target) {
  http::Request r;
  r.target(target);
  return r;
}

http::Request post(std::string body) {
  http::Request r;
  r.set(http::beast::http::field::content_type, "application/json");
  r.body() = std::move(body);
  return r;
}

// The problem an Input recorded, as the client would see its code ("" when none).
std::string problem_of(const Input& in) {
  if (!in.refused()) return "";
  return nlohmann::json::parse(in.refusal().body()).at("code").get<std::string>();
}

TEST(Input, TimestampsNeedAnOffsetAndBecomeUtc) {
  auto at = [](std::string text) {
    auto request = get("/x?t=" + text);
    Input in(request);
    auto t = in.timestamp_param("t");
    return t ? rfc3339(*t) : problem_of(in);
  };
  EXPECT_EQ(at("2027-12-31T23:59:59%2B03:00"), "2027-12-31T20:59:59Z");
  EXPECT_EQ(at("2026-03-29T01:30:00-05:30"), "2026-03-29T07:00:00Z");
  EXPECT_EQ(at("2026-11-22T12:30:00Z"), "2026-11-22T12:30:00Z");
  EXPECT_EQ(at("2026-11-22T12:30:00.250Z"), "2026-11-22T12:30:00.250000Z");
  for (auto bad : {"2026-11-22", "2026-11-22T12:30:00", "2026-11-22%2012:30:00Z", "2026-13-01T00:00:00Z", "2026-11-22T12:30:00%2B0300",
                   "2026-11-22T12:30:00Zjunk", "yesterday", ""})
    EXPECT_EQ(at(bad), "invalid_request") << bad;
}

// Found by fuzzing: date.h has undefined behaviour on some offsets and accepts shapes RFC 3339 does not.
TEST(Input, TimestampsAreExactlyRfc3339) {
  EXPECT_EQ(rfc3339(parse_rfc3339("2026-11-22t12:30:00z").value()), "2026-11-22T12:30:00Z");
  EXPECT_EQ(rfc3339(parse_rfc3339("2026-11-22T12:30:00.123456+00:00").value()), "2026-11-22T12:30:00.123456Z");
  EXPECT_EQ(rfc3339(parse_rfc3339("2028-02-29T00:00:00-23:59").value()), "2028-02-29T23:59:00Z");
  for (auto bad : {"2026-11-03T20:59:59-aa:aa", "2026-11-03T9:0:0Z", "2026-11-03T20:59:59+23:99", "2026-11-03T20:59:59+24:00",
                   "-999-11-03T20:59:59Z", "+999-11-03T20:59:59Z", "0000-01-01T00:00:00Z", "2026-11-03T24:00:00Z", "2026-11-03T23:60:00Z",
                   "2026-11-03T23:59:60Z", "2027-02-29T00:00:00Z", "2026-11-03T20:59:59.Z", "2026-11-03T20:59:59.1234567Z",
                   "2026-11-03T20:59:59+03", "2026-11-03T20:59:59+03:00:00", "2026-11-03T20:59:59Z ", "2026-1-03T20:59:59Z",
                   "2026-11-03T20:59:59+0:000", "2026-11-03T20:59:5\xff+03:00"})
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
}

TEST(Input, BodiesWithDuplicateMembersOrNulAreRefused) {
  auto parse = [](const std::string& body) {
    auto request = post(body);
    Input in(request);
    auto parsed = in.body(32);
    return std::make_pair(parsed, problem_of(in));
  };
  EXPECT_EQ(parse(R"({"a": {"x": 1}, "b": {"x": 2}})").first["b"]["x"], 2) << "the same name in two objects is fine";
  for (auto bad : {R"({"account_id": "B", "account_id": "A"})", R"({"a": {"x": 1, "x": 2}})", R"({"external_ref": "a\u0000b"})",
                   R"({"a\u0000": 1})", "{\"a\": \"\xff\"}", "[1]", "{", R"({"a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})"})
    EXPECT_EQ(parse(bad).second, "invalid_request") << bad;
}

TEST(Input, TheFirstProblemStandsAndLaterReadsAreEmpty) {
  auto request = post(R"({"a": "x", "b": 5})");
  Input in(request);
  const auto body = in.body(32);
  EXPECT_EQ(in.required_integer(body, "a", 1, 10), 1) << "a wrong type reads as the lowest allowed value";
  EXPECT_FALSE(in.optional_integer(body, "b", 1, 10)) << "nothing more is read after a problem";
  EXPECT_NE(std::string(in.refusal().body()).find("'a' must be an integer"), std::string::npos) << in.refusal().body();
}

TEST(Input, IntegersAreStrict) {
  auto body = nlohmann::json::parse(R"({"a": 5, "b": "5", "c": 5.0, "d": -1, "e": 18446744073709551615})");
  auto request = get("/x");
  {
    Input in(request);
    EXPECT_EQ(in.required_integer(body, "a", 1, 10), 5);
    EXPECT_FALSE(in.optional_integer(body, "missing", 1, 10));
    EXPECT_FALSE(in.refused());
  }
  for (auto field : {"b", "c", "d", "e", "missing"}) {
    Input in(request);
    in.required_integer(body, field, 1, 10);
    EXPECT_EQ(problem_of(in), "invalid_request") << field;
  }
}

TEST(Input, MoneyIsAStringAmountAndAKnownCurrency) {
  auto body = nlohmann::json::parse(R"({"ok": {"amount": "50", "currency": "EUR"}, "num": {"amount": 50, "currency": "EUR"},
    "precise": {"amount": "10.005", "currency": "EUR"}, "neg": {"amount": "-1.00", "currency": "EUR"},
    "cur": {"amount": "1", "currency": "eur"}, "extra": {"amount": "1", "currency": "EUR", "x": 1}})");
  auto request = get("/x");
  Input ok(request);
  EXPECT_EQ(ok.required_money(body, "ok").value().amount_string(), "50.00");
  for (auto field : {"num", "precise", "neg", "cur", "extra", "missing"}) {
    Input in(request);
    EXPECT_FALSE(in.required_money(body, field)) << field;
    EXPECT_EQ(problem_of(in), "invalid_request") << field;
  }
  Input precise(request);
  precise.required_money(body, "precise", errc::denomination_invalid);
  EXPECT_EQ(problem_of(precise), "denomination_invalid") << "a face value no product can offer";
}

TEST(Input, QueryParametersAndCursors) {
  auto query = [](std::string target, std::string name) {
    auto request = get(target);
    Input in(request);
    auto value = in.query(name);
    return in.refused() ? "problem: " + problem_of(in) : value.value_or("(absent)");
  };
  EXPECT_EQ(query("/x?a=1&b=hello%20world&c=a+b", "b"), "hello world");
  EXPECT_EQ(query("/x?a=1&c=a+b", "c"), "a b");
  EXPECT_EQ(query("/x?a", "a"), "");
  EXPECT_EQ(query("/x?a=1", "b"), "(absent)");
  EXPECT_EQ(query("/x", "a"), "(absent)");
  EXPECT_EQ(query("/x?a=%zz", "a"), "problem: invalid_request");
  EXPECT_EQ(query("/x?name=%D0%9F", "name"), "\xD0\x9F");
  for (auto bad : {"/x?a=%ff", "/x?a=%-1", "/x?a=%+1", "/x?a=%00", "/x?a=%0a", "/x?a=\xff", "/x?a=%C0%AF"})
    EXPECT_EQ(query(bad, "a"), "problem: invalid_request") << bad;

  auto limit = [](std::string target) {
    auto request = get(target);
    Input in(request);
    auto n = in.page_limit();
    return in.refused() ? -1 : n;
  };
  EXPECT_EQ(limit("/x"), 50);
  EXPECT_EQ(limit("/x?limit=500"), 500);
  for (auto bad : {"/x?limit=0", "/x?limit=501", "/x?limit=ten", "/x?limit=5x"}) EXPECT_EQ(limit(bad), -1) << bad;

  auto cursor = [](std::string target) {
    auto request = get(target);
    Input in(request);
    auto c = in.cursor();
    return in.refused() ? std::optional<std::int64_t>(-1) : c;
  };
  EXPECT_EQ(cursor("/x?cursor=" + encode_cursor(1234)), 1234);
  for (auto bad : {"/x?cursor=1234", "/x?cursor=c", "/x?cursor=c-5", "/x?cursor=c12x", "/x?cursor=c0009", "/x?cursor=c+9"})
    EXPECT_EQ(cursor(bad), -1) << bad;
}

}  // namespace
}  // namespace rgw::api
