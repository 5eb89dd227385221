#include "gateway/api/input.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <vector>

#include "fx/utf8.hpp"
#include "gateway/core/masks.hpp"
#include "gateway/net/url.hpp"

namespace rgw::api {
namespace {

// Thrown by the parser's callback to stop at the first problem; caught in body() and kept as a value.
struct ParseStop {
  std::string detail;
};

}  // namespace

void Input::refuse(errc code, std::string detail) {
  if (!problem_) problem_ = to_problem(code, std::move(detail));
}

void Input::invalid(std::string_view field, std::string_view why) { refuse(errc::invalid_request, "'" + std::string(field) + "' " + std::string(why)); }

http::Response Input::refusal() const { return http::problem_response(*problem_); }

const nlohmann::json* Input::member(const nlohmann::json& object, std::string_view field) const {
  if (problem_) return nullptr;  // after a problem, nothing more is read
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

nlohmann::json Input::body(int max_depth) {
  const auto type = request_[http::beast::http::field::content_type];
  if (!type.starts_with("application/json")) {
    refuse(errc::invalid_request, "Content-Type must be application/json");
    return nlohmann::json::object();
  }
  // Checked while parsing, so a hostile body never gets built: nesting depth; a member named twice (which one
  // would count is anybody's guess: {"account_id": B, "account_id": A}); NUL in a string (PostgreSQL text cuts
  // it short, silently).
  std::vector<std::set<std::string>> names;  // of the objects open at each depth
  auto guard = [max_depth, &names](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using event_t = nlohmann::json::parse_event_t;
    if (depth > max_depth) throw ParseStop{"JSON nested deeper than " + std::to_string(max_depth)};
    if (event == event_t::object_start) names.emplace_back();
    if (event == event_t::object_end) names.pop_back();
    if ((event == event_t::key || event == event_t::value) && parsed.is_string() &&
        parsed.get_ref<const std::string&>().find('\0') != std::string::npos)
      throw ParseStop{"JSON strings may not contain NUL (\\u0000)"};
    if (event == event_t::key && !names.back().insert(parsed.get<std::string>()).second)
      throw ParseStop{"'" + parsed.get<std::string>() + "' appears twice in one object"};
    return true;
  };
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(request_.body(), guard);
  } catch (const ParseStop& stop) {
    refuse(errc::invalid_request, stop.detail);
    return nlohmann::json::object();
  } catch (const nlohmann::json::exception& e) {
    refuse(errc::invalid_request, std::string("malformed JSON: ") + e.what());
    return nlohmann::json::object();
  }
  if (!body.is_object()) {
    refuse(errc::invalid_request, "the body must be a JSON object");
    return nlohmann::json::object();
  }
  return body;
}

void Input::only_fields(const nlohmann::json& object, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : object.items())
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) invalid(key, "is not a known field");
}

std::optional<std::string> Input::optional_string(const nlohmann::json& object, std::string_view field, std::size_t max_length) {
  const auto* v = member(object, field);
  if (!v) return std::nullopt;
  if (!v->is_string()) return invalid(field, "must be a string"), std::nullopt;
  auto s = v->get<std::string>();
  if (s.empty() || s.size() > max_length) return invalid(field, "must be 1 to " + std::to_string(max_length) + " bytes"), std::nullopt;
  return s;
}

std::string Input::required_string(const nlohmann::json& object, std::string_view field, std::size_t max_length) {
  auto s = optional_string(object, field, max_length);
  if (!s) invalid(field, "is required");
  return s.value_or("");
}

std::optional<std::int64_t> Input::optional_integer(const nlohmann::json& object, std::string_view field, std::int64_t min, std::int64_t max) {
  const auto* v = member(object, field);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) return invalid(field, "must be an integer"), std::nullopt;
  // Integers beyond int64 arrive as unsigned; both are compared without overflow.
  if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(max))
    return invalid(field, "must be at most " + std::to_string(max)), std::nullopt;
  const auto n = v->get<std::int64_t>();
  if (n < min || n > max) return invalid(field, "must be between " + std::to_string(min) + " and " + std::to_string(max)), std::nullopt;
  return n;
}

std::optional<std::string> Input::optional_reason(const nlohmann::json& object) {
  auto reason = optional_string(object, "reason", 500);
  if (reason && personal::without_emails(*reason) != *reason)
    return invalid("reason", "is kept in clear and must not hold an e-mail address (personal data; name the case, not the person)"), std::nullopt;
  return reason;
}

std::string Input::required_reason(const nlohmann::json& object) {
  auto reason = optional_reason(object);
  if (!reason) invalid("reason", "is required");
  return reason.value_or("");
}

std::optional<bool> Input::optional_boolean(const nlohmann::json& object, std::string_view field) {
  const auto* v = member(object, field);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) return invalid(field, "must be true or false"), std::nullopt;
  return v->get<bool>();
}

std::int64_t Input::required_integer(const nlohmann::json& object, std::string_view field, std::int64_t min, std::int64_t max) {
  auto n = optional_integer(object, field, min, max);
  if (!n) invalid(field, "is required");
  return n.value_or(min);
}

std::optional<fx::Money> Input::required_money(const nlohmann::json& object, std::string_view field, errc too_precise) {
  const auto* v = member(object, field);
  if (!v) return invalid(field, "is required"), std::nullopt;
  if (!v->is_object()) return invalid(field, "must be an object {\"amount\": \"50.00\", \"currency\": \"EUR\"}"), std::nullopt;
  only_fields(*v, {"amount", "currency"});
  const auto amount = v->find("amount");
  if (amount == v->end() || !amount->is_string()) return invalid(field, "amount must be a decimal string"), std::nullopt;
  const auto currency = v->find("currency");
  if (currency == v->end() || !currency->is_string()) return invalid(field, "currency must be an ISO 4217 code"), std::nullopt;
  auto money = fx::Money::parse(amount->get<std::string>(), currency->get<std::string>());
  if (!money && money.error() == fx::errc::too_precise && too_precise != errc::invalid_request)
    return refuse(too_precise, "'" + std::string(field) + "' has more decimals than " + currency->get<std::string>() + " has"), std::nullopt;
  if (!money) return invalid(field, money.error().message()), std::nullopt;
  if (money->amount().is_negative()) return invalid(field, "amount must not be negative"), std::nullopt;
  if (problem_) return std::nullopt;  // e.g. an unknown member inside the object
  return *money;
}

std::optional<timestamp> Input::optional_timestamp(const nlohmann::json& object, std::string_view field) {
  const auto* v = member(object, field);
  if (!v) return std::nullopt;
  const auto t = v->is_string() ? parse_rfc3339(v->get_ref<const std::string&>()) : std::nullopt;
  if (!t) invalid(field, "must be an RFC 3339 timestamp with offset, such as 2027-12-31T23:59:59+03:00");
  return t;
}

std::optional<std::string> Input::query(std::string_view name) {
  const auto target = request_.target();
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    const auto eq = pair.find('=');
    const auto key = http::percent_decoded(pair.substr(0, eq));
    auto value = eq == std::string_view::npos ? std::optional<std::string>("") : http::percent_decoded(pair.substr(eq + 1));
    if (!key || !value) return refuse(errc::invalid_request, "bad percent-encoding in the query"), std::nullopt;
    if (*key != name) continue;
    // Whatever it is compared with or stored as, it is text: bytes that are not would fail deep in the database.
    if (!fx::printable_utf8(*value)) return invalid(name, "must be printable UTF-8 text"), std::nullopt;
    return value;
  }
  return std::nullopt;
}

std::optional<fx::Currency> Input::currency(std::string_view name) {
  auto code = query(name);
  if (!code) return std::nullopt;
  auto currency = fx::Currency::from_code(*code);
  if (!currency) return invalid(name, "must be an ISO 4217 currency code"), std::nullopt;
  return *currency;
}

std::optional<timestamp> Input::timestamp_param(std::string_view name) {
  auto text = query(name);
  if (!text) return std::nullopt;
  const auto t = parse_rfc3339(*text);
  if (!t) invalid(name, "must be an RFC 3339 timestamp with offset, such as 2027-12-31T23:59:59+03:00");
  return t;
}

int Input::page_limit() {
  auto text = query("limit");
  if (!text) return 50;
  int n = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc{} || p != text->data() + text->size() || n < 1 || n > 500) return invalid("limit", "must be an integer from 1 to 500"), 50;
  return n;
}

std::string encode_cursor(std::int64_t position) { return "c" + std::to_string(position); }

nlohmann::json next_cursor(std::optional<std::int64_t> position) {
  return position ? nlohmann::json(encode_cursor(*position)) : nlohmann::json(nullptr);
}

std::optional<std::int64_t> Input::cursor() {
  auto text = query("cursor");
  if (!text) return std::nullopt;
  std::int64_t position = 0;
  const char* end = text->data() + text->size();
  // One spelling per position: "c09" is not "c9".
  if (text->size() < 2 || (*text)[0] != 'c' || (*text)[1] == '0' || std::from_chars(text->data() + 1, end, position).ptr != end || position <= 0)
    return invalid("cursor", "is not a cursor this list returned"), std::nullopt;
  return position;
}

}  // namespace rgw::api
