#include "gateway/api/input.hpp"

#include <cctype>
#include <charconv>
#include <set>
#include <vector>

#include "fx/utf8.hpp"
#include "gateway/api/errc.hpp"

namespace rgw::api {
namespace {

[[noreturn]] void invalid(std::string_view field, std::string_view why) {
  throw Failure(errc::invalid_request, "'" + std::string(field) + "' " + std::string(why));
}

const nlohmann::json* member(const nlohmann::json& body, std::string_view field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

nlohmann::json parse_object(const http::Request& request, int max_depth) {
  const auto type = request[http::beast::http::field::content_type];
  if (!type.starts_with("application/json"))
    throw Failure(errc::invalid_request, "Content-Type must be application/json");
  // Checked while parsing, so a hostile body never gets built: nesting depth; a member named twice (which one
  // would count is anybody's guess: {"account_id": B, "account_id": A}); NUL in a string (PostgreSQL text cuts
  // it short, silently).
  std::vector<std::set<std::string>> names;  // of the objects open at each depth
  auto guard = [max_depth, &names](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using event_t = nlohmann::json::parse_event_t;
    if (depth > max_depth) throw Failure(errc::invalid_request, "JSON nested deeper than " + std::to_string(max_depth));
    if (event == event_t::object_start) names.emplace_back();
    if (event == event_t::object_end) names.pop_back();
    if ((event == event_t::key || event == event_t::value) && parsed.is_string() &&
        parsed.get_ref<const std::string&>().find('\0') != std::string::npos)
      throw Failure(errc::invalid_request, "JSON strings may not contain NUL (\\u0000)");
    if (event == event_t::key && !names.back().insert(parsed.get<std::string>()).second)
      throw Failure(errc::invalid_request, "'" + parsed.get<std::string>() + "' appears twice in one object");
    return true;
  };
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(request.body(), guard);
  } catch (const nlohmann::json::exception& e) {
    throw Failure(errc::invalid_request, std::string("malformed JSON: ") + e.what());
  }
  if (!body.is_object()) throw Failure(errc::invalid_request, "the body must be a JSON object");
  return body;
}

void only_fields(const nlohmann::json& body, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : body.items())
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) invalid(key, "is not a known field");
}

std::optional<std::string> optional_string(const nlohmann::json& body, std::string_view field, std::size_t max_length) {
  const auto* v = member(body, field);
  if (!v) return std::nullopt;
  if (!v->is_string()) invalid(field, "must be a string");
  auto s = v->get<std::string>();
  if (s.empty() || s.size() > max_length) invalid(field, "must be 1 to " + std::to_string(max_length) + " bytes");
  return s;
}

std::string required_string(const nlohmann::json& body, std::string_view field, std::size_t max_length) {
  auto s = optional_string(body, field, max_length);
  if (!s) invalid(field, "is required");
  return *s;
}

std::optional<std::int64_t> optional_integer(const nlohmann::json& body, std::string_view field, std::int64_t min,
                                             std::int64_t max) {
  const auto* v = member(body, field);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) invalid(field, "must be an integer");
  // Integers beyond int64 arrive as unsigned; both are compared without overflow.
  if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(max))
    invalid(field, "must be at most " + std::to_string(max));
  const auto n = v->get<std::int64_t>();
  if (n < min || n > max) invalid(field, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  return n;
}

std::int64_t required_integer(const nlohmann::json& body, std::string_view field, std::int64_t min, std::int64_t max) {
  auto n = optional_integer(body, field, min, max);
  if (!n) invalid(field, "is required");
  return *n;
}

fx::Money required_money(const nlohmann::json& body, std::string_view field, errc too_precise) {
  const auto* v = member(body, field);
  if (!v) invalid(field, "is required");
  if (!v->is_object()) invalid(field, "must be an object {\"amount\": \"50.00\", \"currency\": \"EUR\"}");
  only_fields(*v, {"amount", "currency"});
  const auto amount = v->find("amount");
  if (amount == v->end() || !amount->is_string()) invalid(field, "amount must be a decimal string");
  const auto currency = v->find("currency");
  if (currency == v->end() || !currency->is_string()) invalid(field, "currency must be an ISO 4217 code");
  auto money = fx::Money::parse(amount->get<std::string>(), currency->get<std::string>());
  if (!money && money.error() == fx::errc::too_precise && too_precise != errc::invalid_request)
    throw Failure(too_precise, "'" + std::string(field) + "' has more decimals than " + currency->get<std::string>() + " has");
  if (!money) invalid(field, money.error().message());
  if (money->amount().is_negative()) invalid(field, "amount must not be negative");
  return *money;
}

timestamp parse_timestamp(std::string_view text, std::string_view field) {
  auto t = parse_rfc3339(text);
  if (!t) invalid(field, "must be an RFC 3339 timestamp with offset, such as 2027-12-31T23:59:59+03:00");
  return *t;
}

std::optional<timestamp> optional_timestamp(const nlohmann::json& body, std::string_view field) {
  const auto* v = member(body, field);
  if (!v) return std::nullopt;
  if (!v->is_string()) invalid(field, "must be an RFC 3339 timestamp string");
  return parse_timestamp(v->get_ref<const std::string&>(), field);
}


namespace {
std::string percent_decode(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out += ' ';
    } else if (in[i] == '%' && i + 2 < in.size() && std::isxdigit(static_cast<unsigned char>(in[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      int v = 0;
      std::from_chars(in.data() + i + 1, in.data() + i + 3, v, 16);  // two hex digits: cannot fail (a sign is not one)
      out += static_cast<char>(v);
      i += 2;
    } else if (in[i] == '%') {
      throw Failure(errc::invalid_request, "bad percent-encoding in the query");
    } else {
      out += in[i];
    }
  }
  return out;
}
}  // namespace

std::optional<std::string> query_param(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    const auto eq = pair.find('=');
    if (percent_decode(pair.substr(0, eq)) != name) continue;
    auto value = eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1));
    // Whatever it is compared with or stored as, it is text: bytes that are not would fail deep in the database.
    if (!fx::printable_utf8(value)) throw Failure(errc::invalid_request, "'" + std::string(name) + "' must be printable UTF-8 text");
    return value;
  }
  return std::nullopt;
}

std::optional<fx::Currency> currency_param(std::string_view target, std::string_view name) {
  auto code = query_param(target, name);
  if (!code) return std::nullopt;
  auto currency = fx::Currency::from_code(*code);
  if (!currency) invalid(name, "must be an ISO 4217 currency code");
  return *currency;
}

int page_limit(std::string_view target) {
  auto text = query_param(target, "limit");
  if (!text) return 50;
  int n = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc{} || p != text->data() + text->size() || n < 1 || n > 500)
    throw Failure(errc::invalid_request, "'limit' must be an integer from 1 to 500");
  return n;
}

}  // namespace rgw::api

namespace rgw::api {

std::string encode_cursor(std::int64_t position) { return "c" + std::to_string(position); }

nlohmann::json next_cursor(std::optional<std::int64_t> position) {
  return position ? nlohmann::json(encode_cursor(*position)) : nlohmann::json(nullptr);
}

std::optional<std::int64_t> cursor_param(std::string_view target) {
  auto text = query_param(target, "cursor");
  if (!text) return std::nullopt;
  std::int64_t position = 0;
  const char* end = text->data() + text->size();
  // One spelling per position: "c09" is not "c9".
  if (text->size() < 2 || (*text)[0] != 'c' || (*text)[1] == '0' || std::from_chars(text->data() + 1, end, position).ptr != end || position <= 0)
    throw Failure(errc::invalid_request, "'cursor' is not a cursor this list returned");
  return position;
}

}  // namespace rgw::api
