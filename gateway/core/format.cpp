#include "gateway/core/format.hpp"

// date.h's parser trips GCC 12's -Wmaybe-uninitialized inside the library itself.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <date/date.h>
#pragma GCC diagnostic pop
#include <nlohmann/json.hpp>

#include "fx/iso_date.hpp"

namespace rgw {

std::string rfc3339(timestamp t) {
  std::string out;
  append_rfc3339(out, t);
  return out;
}

void append_rfc3339(std::string& out, timestamp t) {
  using namespace std::chrono;
  // Digits written by hand: date::format builds a stream and a locale per call, and every log line has a time.
  const auto day = date::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const int year = static_cast<int>(ymd.year());
  const auto in_day = t - day;
  const auto seconds_of_day = duration_cast<seconds>(in_day).count();
  const auto micros = (in_day % seconds(1)).count();
  if (year < 0 || year > 9999) {
    out += micros == 0 ? date::format("%FT%TZ", date::floor<seconds>(t)) : date::format("%FT%TZ", t);
    return;
  }
  char text[32];
  auto put = [&text](int at, long value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10) text[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, year, 4);
  text[4] = '-';
  put(5, static_cast<unsigned>(ymd.month()), 2);
  text[7] = '-';
  put(8, static_cast<unsigned>(ymd.day()), 2);
  text[10] = 'T';
  put(11, seconds_of_day / 3600, 2);
  text[13] = ':';
  put(14, seconds_of_day / 60 % 60, 2);
  text[16] = ':';
  put(17, seconds_of_day % 60, 2);
  int length = 19;
  if (micros != 0) {
    text[19] = '.';
    put(20, micros, 6);
    length = 26;
  }
  text[length++] = 'Z';
  out.append(text, static_cast<std::size_t>(length));
}

std::optional<timestamp> parse_rfc3339(std::string_view s) {
  using namespace std::chrono;
  // Fixed-width digit fields, read by hand: date.h's parser has undefined behaviour on some malformed offsets
  // and accepts shapes RFC 3339 does not ("T9:0:0", "+24:00", signed years).
  auto digits = [&s](std::size_t at, std::size_t n) -> std::optional<int> {
    if (at + n > s.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const auto date = fx::parse_iso_date(s.substr(0, 10));
  const auto h = digits(11, 2), mi = digits(14, 2), sec = digits(17, 2);
  if (!date || !h || !mi || !sec || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':') return std::nullopt;
  if (year_month_day{*date}.year() < year{1} || *h > 23 || *mi > 59 || *sec > 59) return std::nullopt;
  std::size_t at = 19;
  microseconds fraction{0};
  if (at < s.size() && s[at] == '.') {
    const auto start = ++at;
    std::int64_t scale = 100'000;
    for (; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at, scale /= 10) {
      if (at - start == 6) return std::nullopt;  // finer than a microsecond: not ours to round
      fraction += microseconds{(s[at] - '0') * scale};
    }
    if (at == start) return std::nullopt;
  }
  minutes offset{0};
  if (at + 1 == s.size() && (s[at] == 'Z' || s[at] == 'z')) {
    ++at;
  } else {
    const auto oh = digits(at + 1, 2), om = digits(at + 4, 2);
    if (at + 6 != s.size() || (s[at] != '+' && s[at] != '-') || !oh || !om || s[at + 3] != ':' || *oh > 23 || *om > 59) return std::nullopt;
    offset = hours{*oh} + minutes{*om};
    if (s[at] == '-') offset = -offset;
  }
  return *date + hours{*h} + minutes{*mi} + seconds{*sec} + fraction - offset;
}

nlohmann::json money_json(const fx::Money& m) { return {{"amount", m.amount_string()}, {"currency", m.currency().code()}}; }

}  // namespace rgw
