#pragma once
// Strict reading of request input. Every function throws api::Failure(invalid_request) naming the field.
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "fx/money.hpp"
#include "gateway/core/format.hpp"
#include "gateway/api/errc.hpp"
#include "gateway/net/message.hpp"

namespace rgw::api {

// The body as a JSON object: valid UTF-8 JSON, nested at most `max_depth` levels.
nlohmann::json parse_object(const http::Request& request, int max_depth);

// Fails on any member not in `allowed`: a misspelt optional field must not be silently ignored.
void only_fields(const nlohmann::json& body, std::initializer_list<std::string_view> allowed);

// A string member of 1..max_length bytes (after the JSON escapes are decoded).
std::string required_string(const nlohmann::json& body, std::string_view field, std::size_t max_length = 200);
std::optional<std::string> optional_string(const nlohmann::json& body, std::string_view field, std::size_t max_length = 200);
// An integer member within [min, max]; 1.0, "5" and 1e3 are refused.
std::int64_t required_integer(const nlohmann::json& body, std::string_view field, std::int64_t min, std::int64_t max);
std::optional<std::int64_t> optional_integer(const nlohmann::json& body, std::string_view field, std::int64_t min,
                                             std::int64_t max);
// {"amount": "50.00", "currency": "EUR"}: amount a decimal string, at most the currency's minor units. More
// decimals than that fail with `too_precise` (a face value no product can offer is denomination_invalid).
fx::Money required_money(const nlohmann::json& body, std::string_view field, errc too_precise = errc::invalid_request);
// RFC 3339 with an offset ("2027-12-31T23:59:59+03:00", "...Z"), to UTC.
std::optional<timestamp> optional_timestamp(const nlohmann::json& body, std::string_view field);

timestamp parse_timestamp(std::string_view text, std::string_view field);  // parse_rfc3339, or Failure naming `field`

// Query-string parameter `name`, percent-decoded; nullopt when absent.
std::optional<std::string> query_param(std::string_view target, std::string_view name);
// A query parameter that must be an ISO 4217 code; nullopt when absent.
std::optional<fx::Currency> currency_param(std::string_view target, std::string_view name);
// ?limit= for lists: default 50, 1..500.
int page_limit(std::string_view target);

}  // namespace rgw::api

namespace rgw::api {

// List cursors are opaque to clients; inside they are a position in the list's order.
std::string encode_cursor(std::int64_t position);
// A list's "next_cursor": the encoded position, or null at the end.
nlohmann::json next_cursor(std::optional<std::int64_t> position);
// ?cursor= decoded; nullopt when absent; Failure(invalid_request) when it is not one of ours.
std::optional<std::int64_t> cursor_param(std::string_view target);

}  // namespace rgw::api
