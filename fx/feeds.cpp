#include "fx/feeds.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "fx/iso_date.hpp"
#include "fx/xml.hpp"

namespace rgw::fx {
namespace {

using namespace std::chrono;

bool iso_shape(std::string_view code) {
  return code.size() == 3 && std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// No currency is worth a billion of another: a rate outside this range is a broken feed, and would make cross
// rates that do not fit 18 digits or round to zero.
const Decimal lowest_rate = Decimal::parse("0.000000001").value();
const Decimal highest_rate = Decimal::parse("1000000000").value();

// The euro's first day: no feed we read has anything older.
constexpr sys_days first_feed_day = sys_days{year{1999} / January / 1};
// A feed may date its rates ahead (the Bank of Russia publishes tomorrow's on the eve, before weekends and holidays
// for days ahead); further than this it is wrong, and would shadow every later set (newest as_of wins).
constexpr auto furthest_ahead = days{7};

// Adds code → quote to `set`, enforcing the rules every feed shares. Unknown codes are skipped.
result<void> add_quote(RateSet& set, std::string_view code, const Quote& quote) {
  if (!iso_shape(code)) return errc::malformed_feed;
  if (quote.units.is_negative() || quote.units.is_zero() || quote.base_units.is_negative() || quote.base_units.is_zero())
    return errc::malformed_feed;
  const auto rate = quote.per_base();
  if (!rate || *rate < lowest_rate || *rate > highest_rate) return errc::implausible_rates;
  if (code == set.base.code() || set.rates.contains(code)) return errc::malformed_feed;
  if (!Currency::from_code(code)) return {};
  set.rates.emplace(std::string(code), quote);
  return {};
}

// A quote of what one base unit buys, from its text.
result<void> add_rate(RateSet& set, std::string_view code, std::string_view text) {
  auto rate = Decimal::parse(text);
  if (!rate) return rate.error();
  return add_quote(set, code, Quote{*rate, Decimal::from_units(1, 0).value()});
}

// "YYYY-MM-DD" or, with `russian`, "DD.MM.YYYY" (read as the same digits in ISO order).
result<sys_days> parse_date(std::string_view text, bool russian) {
  std::string iso(text);
  if (russian && text.size() == 10 && text[2] == '.' && text[5] == '.')
    iso = std::string(text.substr(6, 4)) + "-" + std::string(text.substr(3, 2)) + "-" + std::string(text.substr(0, 2));
  else if (russian)
    return errc::malformed_feed;
  const auto date = parse_iso_date(iso);
  if (!date) return errc::malformed_feed;
  if (*date < first_feed_day) return errc::implausible_rates;
  return *date;
}

Currency currency(std::string_view code) { return Currency::from_code(code).value(); }

// A set must quote something: an empty one would make every conversion fail.
result<RateSet> finished(RateSet set) {
  if (set.rates.empty()) return errc::malformed_feed;
  return set;
}

// Collects the rates object of a JSON feed with the numbers' own text, refusing duplicate keys.
class json_feed_reader : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::string base;
  std::optional<std::int64_t> timestamp;
  std::vector<std::pair<std::string, std::string>> rates;
  bool duplicate = false;
  bool unexpected = false;

  bool null() override { return fail(); }
  bool boolean(bool) override { return fail(); }
  bool number_integer(number_integer_t v) override { return number(std::to_string(v), v); }
  bool number_unsigned(number_unsigned_t v) override {
    return v > static_cast<number_unsigned_t>(INT64_MAX) ? fail() : number(std::to_string(v), static_cast<std::int64_t>(v));
  }
  bool number_float(number_float_t, const string_t& text) override { return number(text, std::nullopt); }
  bool string(string_t& v) override {
    if (depth_ == 1 && key_ == "base") base = v;
    else if (depth_ == 2 && in_rates_) add(v);
    else return fail();
    return true;
  }
  bool binary(binary_t&) override { return fail(); }
  bool start_object(std::size_t) override {
    ++depth_;
    if (depth_ == 2) {
      if (key_ != "rates") return fail();
      in_rates_ = true;
    }
    return depth_ <= 2 || fail();
  }
  bool key(string_t& k) override {
    key_ = k;
    if (depth_ == 1 && !seen_top_.insert(k).second) duplicate = true;
    return true;
  }
  bool end_object() override {
    if (depth_-- == 2) in_rates_ = false;
    return true;
  }
  bool start_array(std::size_t) override { return fail(); }
  bool end_array() override { return fail(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  bool fail() {
    unexpected = true;
    return false;
  }
  bool number(const std::string& text, std::optional<std::int64_t> integer) {
    if (depth_ == 1 && key_ == "timestamp" && integer) timestamp = integer;
    else if (depth_ == 2 && in_rates_) add(text);
    else return fail();
    return true;
  }
  void add(const std::string& text) {
    for (const auto& [code, _] : rates)
      if (code == key_) duplicate = true;
    rates.emplace_back(key_, text);
  }
  int depth_ = 0;
  bool in_rates_ = false;
  std::string key_;
  std::set<std::string> seen_top_;
};

}  // namespace

result<std::vector<RateSet>> parse_ecb(std::string_view xml_text, sys_seconds fetched_at) {
  auto doc = xml::parse(xml_text);
  if (!doc) return doc.error();
  const xml::Element* outer = doc->name.ends_with("Envelope") ? doc->child("Cube") : nullptr;
  if (!outer || outer->children.empty()) return errc::malformed_feed;
  std::vector<RateSet> sets;
  for (const auto& day : outer->children) {
    const auto* time = day.attribute("time");
    if (day.name != "Cube" || !time) return errc::malformed_feed;
    auto date = parse_date(*time, false);
    if (!date) return date.error();
    RateSet set{currency("EUR"), "ecb", sys_seconds{*date + ecb_published_after}, fetched_at, {}, true};
    for (const auto& quote : day.children) {
      const auto *code = quote.attribute("currency"), *rate = quote.attribute("rate");
      if (quote.name != "Cube" || !code || !rate) return errc::malformed_feed;
      if (auto added = add_rate(set, *code, *rate); !added) return added.error();
    }
    auto done = finished(std::move(set));
    if (!done) return done.error();
    if (!sets.empty() && sets.back().as_of <= done->as_of) return errc::malformed_feed;  // days newest first, once each
    sets.push_back(std::move(*done));
  }
  return sets;
}

result<RateSet> parse_cbr(std::string_view xml_text, sys_seconds fetched_at) {
  auto doc = xml::parse(xml_text);
  if (!doc) return doc.error();
  const auto* date_text = doc->attribute("Date");
  if (doc->name != "ValCurs" || !date_text) return errc::malformed_feed;
  auto date = parse_date(*date_text, true);
  if (!date) return date.error();
  RateSet set{currency("RUB"), "cbr", sys_seconds{*date - 3h}, fetched_at, {}, true};  // 00:00 Moscow (UTC+3)
  for (const auto& valute : doc->children) {
    const auto *code = valute.child("CharCode"), *nominal = valute.child("Nominal"), *value = valute.child("Value");
    if (valute.name != "Valute" || !code || !nominal || !value) return errc::malformed_feed;
    std::string rub = value->text;
    std::replace(rub.begin(), rub.end(), ',', '.');
    auto roubles = Decimal::parse(rub);
    auto units = Decimal::parse(nominal->text);
    if (!roubles) return roubles.error();
    if (!units || units->scale() != 0) return errc::malformed_feed;
    if (auto added = add_quote(set, code->text, Quote{*units, *roubles}); !added) return added.error();
  }
  return finished(std::move(set));
}

result<RateSet> parse_json_feed(std::string_view json, sys_seconds fetched_at) {
  json_feed_reader reader;
  const bool ok = nlohmann::json::sax_parse(json, &reader);
  if (!ok || reader.unexpected || reader.duplicate || !reader.timestamp || *reader.timestamp <= 0) return errc::malformed_feed;
  auto base = Currency::from_code(reader.base);
  if (!base) return errc::malformed_feed;
  RateSet set{*base, "json", sys_seconds{seconds{*reader.timestamp}}, fetched_at, {}, false};
  for (const auto& [code, text] : reader.rates)
    if (auto added = add_rate(set, code, text); !added) return added.error();
  return finished(std::move(set));
}

namespace {

result<std::vector<RateSet>> parse_any(std::string_view document, sys_seconds fetched_at) {
  const auto start = document.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return errc::malformed_feed;
  if (document[start] == '{') {
    auto set = parse_json_feed(document, fetched_at);
    if (!set) return set.error();
    return std::vector<RateSet>{std::move(*set)};
  }
  if (document.find("<ValCurs") != std::string_view::npos) {
    auto set = parse_cbr(document, fetched_at);
    if (!set) return set.error();
    return std::vector<RateSet>{std::move(*set)};
  }
  return parse_ecb(document, fetched_at);
}

}  // namespace

result<std::vector<RateSet>> parse_feed(std::string_view document, sys_seconds fetched_at) {
  auto sets = parse_any(document, fetched_at);
  if (!sets) return sets.error();
  for (const auto& set : *sets) {
    if (set.as_of < sys_seconds{first_feed_day} || set.as_of > fetched_at + furthest_ahead) return errc::implausible_rates;
    if (auto table = RateTable::build(set); !table) return table.error();  // what would be installed must be buildable
  }
  return sets;
}

}  // namespace rgw::fx
