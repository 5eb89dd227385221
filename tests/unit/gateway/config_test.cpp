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
  EXPECT_EQ(c.dispatch.retry.base, std::chrono::milliseconds(1000)) << "DESIGN.md: base 1 s";
  EXPECT_EQ(c.dispatch.retry.cap, std::chrono::milliseconds(300'000)) << "cap 5 min";
  EXPECT_EQ(c.dispatch.retry.deadline, std::chrono::seconds(86'400)) << "deadline 24 h";
}

TEST(Config, ReadsListenAddresses) {
  EXPECT_EQ(load({{"REWARDGW_DATABASE_URL", "x"}, {"REWARDGW_LISTEN", "0.0.0.0:9000"}}).http.port, 9000);
  EXPECT_EQ(load({{"REWARDGW_DATABASE_URL", "x"}, {"REWARDGW_LISTEN", "[::1]:9001"}}).http.host, "::1");
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
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "x"}, {"REWARDGW_LISTEN", "8080"}}).find("REWARDGW_LISTEN"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "x"}, {"REWARDGW_LISTEN", "h:99999"}}).find("REWARDGW_LISTEN"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "x"}, {"REWARDGW_THREADS", "0"}}).find("REWARDGW_THREADS"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "x"}, {"REWARDGW_IDEMPOTENCY_TTL_HOURS", "24"}}).find("IDEMPOTENCY"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "x"}, {"REWARDGW_TLS_CERT", "c.pem"}}).find("TLS"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "x"}, {"REWARDGW_BOOTSTRAP_KEY", "short"}}).find("BOOTSTRAP"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "x"}, {"REWARDGW_SECRETS_KEYS", ""}}).find("REWARDGW_SECRETS_KEYS"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "x"}, {"REWARDGW_SECRETS_KEYS", "k1:c2hvcnQ="}}).find("32 bytes"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "x"}, {"REWARDGW_SECRETS_KEYS_FILE", "/nonexistent"}}).find("SECRETS_KEYS_FILE"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "x"}, {"REWARDGW_PROVIDERS_FILE", "/nonexistent"}}).find("PROVIDERS_FILE"), std::string::npos);
  EXPECT_NE(message({{"REWARDGW_DATABASE_URL", "x"}, {"REWARDGW_DISPATCH_LEASE_S", "1"}}).find("LEASE"), std::string::npos);
}

}  // namespace
}  // namespace rgw::app
