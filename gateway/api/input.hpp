#pragma once
// Strict reading of request input, as values. An Input keeps the first problem it finds (naming the field) and
// answers every later read with an empty value, so a handler reads all it needs and then checks once:
//   if (in.refused()) co_return in.refusal();
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "fx/money.hpp"
#include "gateway/api/errc.hpp"
#include "gateway/core/format.hpp"
#include "gateway/net/message.hpp"

namespace rgw::api {

class Input {
 public:
  // Query parameters come from `request`'s target; the body is read by body().
  explicit Input(const http::Request& request) : request_(request) {}

  // The body as a JSON object: Content-Type application/json, valid UTF-8, nested at most `max_depth` levels, no
  // member named twice in one object, no NUL in a string. An empty object after a problem.
  nlohmann::json body(int max_depth);

  // A problem with any member not in `allowed`: a misspelt optional field must not be silently ignored.
  void only_fields(const nlohmann::json& object, std::initializer_list<std::string_view> allowed);
  // A string member of 1..max_length bytes (after the JSON escapes are decoded).
  std::string required_string(const nlohmann::json& object, std::string_view field, std::size_t max_length = 200);
  std::optional<std::string> optional_string(const nlohmann::json& object, std::string_view field, std::size_t max_length = 200);
  // An integer member within [min, max]; 1.0, "5" and 1e3 are problems.
  std::int64_t required_integer(const nlohmann::json& object, std::string_view field, std::int64_t min, std::int64_t max);
  std::optional<std::int64_t> optional_integer(const nlohmann::json& object, std::string_view field, std::int64_t min, std::int64_t max);
  // A `reason`: 1..500 bytes of free text, kept in clear (ledger, audit log), so one holding an e-mail address is
  // a problem (docs/privacy.md).
  std::string required_reason(const nlohmann::json& object);
  std::optional<std::string> optional_reason(const nlohmann::json& object);
  // true or false; "true" and 1 are problems.
  std::optional<bool> optional_boolean(const nlohmann::json& object, std::string_view field);
  // {"amount": "50.00", "currency": "EUR"}: a decimal string with at most the currency's minor units; more decimals
  // are the `too_precise` outcome (a face value no product can offer is denomination_invalid). nullopt on a problem.
  std::optional<fx::Money> required_money(const nlohmann::json& object, std::string_view field, errc too_precise = errc::invalid_request);
  // RFC 3339 with an offset ("2027-12-31T23:59:59+03:00", "...Z"), to UTC.
  std::optional<timestamp> optional_timestamp(const nlohmann::json& object, std::string_view field);

  // Query parameter `name`, percent-decoded printable UTF-8; nullopt when absent.
  std::optional<std::string> query(std::string_view name);
  // A query parameter that must be an ISO 4217 code / an RFC 3339 timestamp; nullopt when absent.
  std::optional<fx::Currency> currency(std::string_view name);
  std::optional<timestamp> timestamp_param(std::string_view name);
  // ?limit= for lists: default 50, 1..500.
  int page_limit();
  // ?cursor=: a position a list returned (next_cursor); nullopt when absent.
  std::optional<std::int64_t> cursor();

  // Records a problem the handler found itself (the first one stands).
  void refuse(errc code, std::string detail);
  bool refused() const noexcept { return problem_.has_value(); }
  // The answer for the first problem.
  http::Response refusal() const;

 private:
  const nlohmann::json* member(const nlohmann::json& object, std::string_view field) const;
  void invalid(std::string_view field, std::string_view why);

  const http::Request& request_;
  std::optional<http::Problem> problem_;
};

// A list's "next_cursor": the encoded position, or null at the end.
nlohmann::json next_cursor(std::optional<std::int64_t> position);
std::string encode_cursor(std::int64_t position);

}  // namespace rgw::api
