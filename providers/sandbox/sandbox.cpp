#include "providers/sandbox/sandbox.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace rgw::providers {

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

// FNV-1a then a SplitMix64 finaliser: stable across runs and platforms, unlike std::hash.
std::uint64_t mix(std::string_view text, std::uint64_t salt) {
  std::uint64_t h = 1469598103934665603ull ^ salt;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  h += 0x9e3779b97f4a7c15ull;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

double unit(std::uint64_t draw) { return static_cast<double>(draw >> 11) * 0x1.0p-53; }

// Keys come from the gateway, but a file name must never climb out of the record directory.
bool safe_key(const std::string& key) {
  if (key.empty() || key.size() > 200) return false;
  for (char c : key)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

std::string digits(std::uint64_t h, int count) {
  std::string out;
  for (int i = 0; i < count; ++i, h /= 10) out += static_cast<char>('0' + h % 10);
  return out;
}

nlohmann::json make_reward(const IssueRequest& r, bool pending) {
  const auto h = mix(r.idempotency_key, 7);
  char code[32];
  std::snprintf(code, sizeof code, "SBX-%04X-%04X-%04X", static_cast<unsigned>(h & 0xffff), static_cast<unsigned>((h >> 16) & 0xffff),
                static_cast<unsigned>((h >> 32) & 0xffff));
  nlohmann::json reward = {{"code", code},
                           {"pin", digits(h >> 20, 4)},
                           {"url", "https://sandbox.rewardgw.invalid/r/" + std::to_string(h % 1'000'000'007)},
                           {"sku", r.provider_sku},
                           {"face", r.face.amount_string() + " " + std::string(r.face.currency().code())},
                           {"pending", pending},
                           {"created_ms", std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count()}};
  if (r.provider_sku.find("CARD") != std::string::npos || r.provider_sku.find("VISA") != std::string::npos)
    reward["card_number"] = "4" + digits(h, 15);
  return reward;
}

std::optional<nlohmann::json> read_record(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

// Creates the record for `key` unless one exists; returns the record that is there afterwards.
nlohmann::json create_once(const fs::path& dir, const std::string& key, const nlohmann::json& fresh) {
  const auto target = dir / key;
  const auto temp = dir / (".tmp-" + key + "-" + std::to_string(::getpid()));
  {
    std::ofstream out(temp, std::ios::trunc);
    fs::permissions(temp, fs::perms::owner_read | fs::perms::owner_write);  // before a byte is written: codes, PINs, card numbers
    out << fresh.dump();
    out.flush();
    if (!out) throw std::runtime_error("sandbox: cannot write its record");
  }
  const int linked = ::link(temp.c_str(), target.c_str());
  const int error = errno;
  fs::remove(temp);
  if (linked == 0) return fresh;
  if (error != EEXIST) throw std::runtime_error("sandbox: cannot record an issuance");
  return read_record(target).value();
}

Result issued_result(const std::string& key, const nlohmann::json& record) {
  Reward reward{Secret(record.at("code").get<std::string>()), Secret(record.at("pin").get<std::string>()), std::nullopt,
                record.at("url").get<std::string>(), std::nullopt};
  if (record.contains("card_number")) reward.card_number = Secret(record.at("card_number").get<std::string>());
  const auto created = std::chrono::system_clock::time_point(std::chrono::milliseconds(record.at("created_ms").get<std::int64_t>()));
  const auto year_later = std::chrono::floor<std::chrono::days>(created) + std::chrono::days(365);
  const std::chrono::year_month_day ymd{year_later};
  char date[16];
  std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  reward.expires_on = date;
  auto issued = Result::answer(Outcome::issued, "", "sbx-" + key);
  issued.reward = std::move(reward);
  // The sandbox charges the face value, no fee: "12.50 EUR" as recorded.
  const auto face = record.at("face").get<std::string>();
  if (auto charged = fx::Money::parse(face.substr(0, face.find(' ')), face.substr(face.find(' ') + 1)))
    issued.cost = Cost{*charged, std::nullopt, std::nullopt};
  return issued;
}

}  // namespace

SandboxProvider::SandboxProvider(std::string name, Limits limits, SandboxConfig config) : Provider(std::move(name), limits), config_(std::move(config)) {
  fs::create_directories(config_.record_dir);
  fs::permissions(config_.record_dir, fs::perms::owner_all);  // the records are rewards: for this user's eyes only
}

std::uint64_t SandboxProvider::next_draw(const std::string& key) {
  std::lock_guard lock(mutex_);
  return mix(key, ++calls_per_key_[key]);
}

asio::awaitable<void> SandboxProvider::take_time(std::uint64_t draw) {
  if (config_.latency.count() == 0) co_return;
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(config_.latency * (0.5 + unit(mix("latency", draw))));
  asio::steady_timer timer(co_await asio::this_coro::executor, wait);
  co_await timer.async_wait(asio::use_awaitable);
}

asio::awaitable<Result> SandboxProvider::issue_at_provider(const IssueRequest& r) {
  if (!safe_key(r.idempotency_key)) co_return Result::answer(Outcome::rejected, "malformed idempotency key");
  const auto draw = next_draw(r.idempotency_key);
  co_await take_time(draw);
  const auto& f = config_.faults;
  if (r.provider_sku.starts_with(refused_sku_prefix) || unit(mix(r.idempotency_key, 0)) < f.rejected)
    co_return Result::answer(Outcome::rejected, "refused by the sandbox");
  // One draw picks at most one fault for this call: the bands are laid end to end over [0, 1).
  double x = unit(draw);
  if ((x -= f.retryable) < 0) co_return Result::answer(Outcome::retryable, "sandbox: try again later");
  if ((x -= f.timeout) < 0) {
    asio::steady_timer never(co_await asio::this_coro::executor, std::chrono::hours(1));
    co_await never.async_wait(asio::use_awaitable);
  }
  if ((x -= f.unknown) < 0) co_return Result::answer(Outcome::unknown, "sandbox: unclassifiable answer");
  const bool lose = (x -= f.lost) < 0;
  const bool pending = !lose && (x -= f.pending) < 0;
  const auto record = create_once(config_.record_dir, r.idempotency_key, make_reward(r, pending));
  if (lose) co_return Result::answer(Outcome::unknown, "sandbox: answer lost after creating the order");
  if (record.at("pending").get<bool>()) co_return Result::answer(Outcome::pending, "sandbox: pending", "sbx-" + r.idempotency_key);
  co_return issued_result(r.idempotency_key, record);
}

asio::awaitable<Result> SandboxProvider::status_at_provider(const IssueRequest& r) {
  if (!safe_key(r.idempotency_key)) co_return Result::answer(Outcome::rejected, "malformed idempotency key");
  co_await take_time(next_draw(r.idempotency_key));
  if (r.provider_sku.starts_with(refused_sku_prefix) || unit(mix(r.idempotency_key, 0)) < config_.faults.rejected)
    co_return Result::answer(Outcome::rejected, "refused by the sandbox");
  const auto record = read_record(config_.record_dir / r.idempotency_key);
  if (!record) co_return Result::answer(Outcome::retryable, "sandbox: no order under this key");
  const auto created = std::chrono::system_clock::time_point(std::chrono::milliseconds(record->at("created_ms").get<std::int64_t>()));
  if (record->at("pending").get<bool>() && std::chrono::system_clock::now() < created + config_.pending_for)
    co_return Result::answer(Outcome::pending, "sandbox: pending", "sbx-" + r.idempotency_key);
  co_return issued_result(r.idempotency_key, *record);
}

asio::awaitable<std::optional<fx::Money>> SandboxProvider::balance_at_provider() { co_return config_.balance; }

std::map<std::string, std::string> sandbox_issued(const fs::path& record_dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::directory_iterator(record_dir)) {
    const auto name = entry.path().filename().string();
    if (name.starts_with(".tmp-")) continue;
    out[name] = read_record(entry.path()).value().at("code").get<std::string>();
  }
  return out;
}

}  // namespace rgw::providers
