#include "gateway/app/config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace rgw::app {
namespace {

// A well-formed key for tests that are about something else (32 zero bytes; it protects nothing).
const std::string any_key = "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

Config load(std::map<std::string, std::string> vars) {
  if (!vars.contains("REWARDGW_SECRETS_KEYS_FILE")) vars.try_emplace("REWARDGW_SECRETS_KEYS", any_key);
  if (vars["REWARDGW_SECRETS_KEYS"] == "") vars.erase("REWARDGW_SECRETS_KEYS");
  return config_from_environment([&vars](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
}

TEST(Config, DefaultsFromTheDocs) {
  const auto c = load({{"REWARDGW_DATABASE_URL", "postgresql:///x"}});
  EXPECT_EQ(c.http.host, "127.0.0.1");
  EXPECT_EQ(c.http.port, 8080);
  EXPECT_EQ(c.http.body_limit, 64u * 1024);
  EXPECT_EQ(c.settings.idempotency_ttl, std::chrono::hours(72));
  EXPECT_EQ(c.key_cache_ttl, std::chrono::seconds(5));
  EXPECT_TRUE(c.bootstrap_key.empty());
  EXPECT_FALSE(c.http.tls);
  EXPECT_EQ(c.settings.providers, (std::set<std::string>{"sandbox"}));
  EXPECT_EQ(c.dispatch.concurrency, 32u);
  EXPECT_EQ(c.dispatch.lease, std::chrono::seconds(60));
  EXPECT_EQ(c.dispatch.retry.base, std::chrono::milliseconds(1000)) << "docs/design.md: base 1 s";
  EXPECT_EQ(c.dispatch.retry.cap, std::chrono::milliseconds(300'000)) << "cap 5 min";
  EXPECT_EQ(c.dispatch.retry.deadline, std::chrono::seconds(86'400)) << "deadline 24 h";
  EXPECT_EQ(c.points.interval, std::chrono::milliseconds(60'000)) << "docs/points.md: the points jobs run every minute";
  EXPECT_EQ(c.points.lots_per_batch, 10'000);
  EXPECT_EQ(c.settings.accept_writers, 1u) << "docs/configuration.md: one accept writer per thread";
  EXPECT_EQ(load({{"REWARDGW_DATABASE_URL", "dbname=x"}, {"REWARDGW_ACCEPT_WRITERS", "3"}}).settings.accept_writers, 3u);
  EXPECT_EQ(c.settings.accept_max_wait, std::chrono::milliseconds(5'000)) << "docs/configuration.md";
  EXPECT_EQ(load({{"REWARDGW_DATABASE_URL", "dbname=x"}, {"REWARDGW_ACCEPT_MAX_WAIT_MS", "250"}}).settings.accept_max_wait, std::chrono::milliseconds(250));
}

TEST(Config, ReadsListenAddresses) {
  EXPECT_EQ(load({{"REWARDGW_DATABASE_URL", "dbname=x"}, {"REWARDGW_LISTEN", "0.0.0.0:9000"}}).http.port, 9000);
  EXPECT_EQ(load({{"REWARDGW_DATABASE_URL", "dbname=x"}, {"REWARDGW_LISTEN", "[::1]:9001"}}).http.host, "::1");
}

TEST(Config, RefusesBadValuesByName) {
  auto message = [](std::map<std::string, std::string> vars) -> std::string {
    try {
      load(vars);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message({}).find("REWARDGW_DATABASE_URL"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "dbname=x"}, {"REWARDGW_LISTEN", "8080"}}).find("REWARDGW_LISTEN"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "dbname=x"}, {"REWARDGW_LISTEN", "h:99999"}}).find("REWARDGW_LISTEN"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "dbname=x"}, {"REWARDGW_THREADS", "0"}}).find("REWARDGW_THREADS"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "dbname=x"}, {"REWARDGW_IDEMPOTENCY_TTL_HOURS", "24"}}).find("IDEMPOTENCY"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "dbname=x"}, {"REWARDGW_TLS_CERT", "c.pem"}}).find("TLS"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "dbname=x"}, {"REWARDGW_BOOTSTRAP_KEY", "short"}}).find("BOOTSTRAP"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "dbname=x"}, {"REWARDGW_SECRETS_KEYS", ""}}).find("REWARDGW_SECRETS_KEYS"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "dbname=x"}, {"REWARDGW_SECRETS_KEYS", "k1:c2hvcnQ="}}).find("32 bytes"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "dbname=x"}, {"REWARDGW_SECRETS_KEYS_FILE", "/nonexistent"}}).find("SECRETS_KEYS_FILE"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "dbname=x"}, {"REWARDGW_PROVIDERS_FILE", "/nonexistent"}}).find("PROVIDERS_FILE"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "dbname=x"}, {"REWARDGW_DISPATCH_LEASE_S", "1"}}).find("LEASE"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "dbname=x"}, {"REWARDGW_POINTS_JOB_INTERVAL_MS", "-1"}}).find("POINTS_JOB"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "dbname=x"}, {"REWARDGW_EXPIRY_BATCH_LOTS", "0"}}).find("EXPIRY_BATCH"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "dbname=x"}, {"REWARDGW_ACCEPT_WRITERS", "0"}}).find("REWARDGW_ACCEPT_WRITERS"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "dbname=x"}, {"REWARDGW_ACCEPT_MAX_WAIT_MS", "0"}}).find("REWARDGW_ACCEPT_MAX_WAIT_MS"), std::string::npos);
}

// What an outside probe found start-up accepting (issue 12): each is refused with a message, not discovered later.
TEST(Config, RefusesWeakKeysLeakyUrlsAndMissingFiles) {
  auto message = [](std::map<std::string, std::string> vars) -> std::string {
    vars.try_emplace("REWARDGW_DATABASE_URL", "dbname=x");
    try {
      load(vars);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message({{"REWARDGW_BOOTSTRAP_KEY", std::string(24, ' ')}}).find("BOOTSTRAP"), std::string::npos) << "24 spaces";
  EXPECT_NE(message({{"REWARDGW_BOOTSTRAP_KEY", std::string(40, 'a')}}).find("BOOTSTRAP"), std::string::npos) << "one letter";
  EXPECT_NE(message({{"REWARDGW_BOOTSTRAP_KEY", "correct horse battery staple 1"}}).find("BOOTSTRAP"), std::string::npos) << "spaces";
  EXPECT_EQ(message({{"REWARDGW_BOOTSTRAP_KEY", "q8Jx0Lh2-Vd9TzYc3WbN7rKs1Pm"}}), "") << "27 random characters";

  // A syntax error names the variable but never echoes the password.
  const auto dsn = message({{"REWARDGW_DATABASE_URL", "postgresql://rgw:s3cr3t-pw@db:5432/rgw?sslmode=require&bogus"}});
  EXPECT_NE(dsn.find("REWARDGW_DATABASE_URL"), std::string::npos) << dsn;
  EXPECT_EQ(dsn.find("s3cr3t"), std::string::npos) << dsn;
  const auto keywords = message({{"REWARDGW_DATABASE_URL", "host=db password=s3cr3t-pw dbname"}});
  EXPECT_NE(keywords.find("REWARDGW_DATABASE_URL"), std::string::npos) << keywords;
  EXPECT_EQ(keywords.find("s3cr3t"), std::string::npos) << keywords;

  EXPECT_NE(message({{"REWARDGW_FX_SOURCE", "/nonexistent/rates.xml"}}).find("REWARDGW_FX_SOURCE"), std::string::npos) << "checked at start";
  EXPECT_NE(message({{"REWARDGW_FX_SOURCE", "https://rates.example/a b"}}).find("REWARDGW_FX_SOURCE"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_WEBHOOK_ALLOW_NETWORKS", "10.0.0.0/33"}}).find("REWARDGW_WEBHOOK_ALLOW_NETWORKS"), std::string::npos);
  EXPECT_EQ(load({{"REWARDGW_DATABASE_URL", "dbname=x"}, {"REWARDGW_WEBHOOK_ALLOW_NETWORKS", "10.0.0.0/8, ::1"}}).settings.webhook_destinations.allowed.size(), 2u);
  EXPECT_TRUE(load({{"REWARDGW_DATABASE_URL", "dbname=x"}}).settings.webhook_destinations.public_only) << "webhooks: public addresses by default";
}

}  // namespace
}  // namespace rgw::app
