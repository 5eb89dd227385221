// Provider credentials as the providers file names them: by reference only, every mistake refused at start with
// the field named and no secret echoed; HTTP Basic as RFC 7617 writes it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "gateway/net/client.hpp"
#include "providers/registry.hpp"

namespace rgw {
namespace {

// The message of the configuration error for `auth` on an HTTP provider, or "" when it is accepted.
std::string refusal(const nlohmann::json& auth) {
  try {
    providers::Registry::from_json({{"p", {{"kind", "tango"}, {"base_url", "http://127.0.0.1:9/raas/v2"}, {"account", "a"}, {"customer", "c"}, {"auth", auth}}}});
    return "";
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
}

TEST(BasicAuthorization, IsRfc7617sExample) {
  EXPECT_EQ(http::basic_authorization("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST(ProviderCredentials, SecretsAreNamedByReferenceOnly) {
  const auto file = std::filesystem::temp_directory_path() / "rgw-credentials-test-secret";
  std::ofstream(file) << "very-secret-value\n";
  ::setenv("RGW_CREDENTIALS_TEST_TOKEN", "another-secret", 1);
  EXPECT_EQ(refusal({{"kind", "basic"}, {"username", "u"}, {"password_file", file.string()}}), "");
  EXPECT_EQ(refusal({{"kind", "bearer"}, {"token_env", "RGW_CREDENTIALS_TEST_TOKEN"}}), "");
  EXPECT_EQ(refusal({{"kind", "api_key"}, {"header", "X-Key"}, {"key_file", file.string()}}), "");
  EXPECT_EQ(refusal({{"kind", "oauth2"}, {"token_url", "https://auth.example/oauth/token"}, {"client_id", "c"}, {"client_secret_env", "RGW_CREDENTIALS_TEST_TOKEN"}}), "");

  const auto inline_secret = refusal({{"kind", "bearer"}, {"token", "very-secret-value"}});
  EXPECT_NE(inline_secret.find("'auth.token' must not be written"), std::string::npos) << inline_secret;
  EXPECT_EQ(inline_secret.find("very-secret-value"), std::string::npos) << "the error never echoes the secret";
  EXPECT_NE(refusal({{"kind", "bearer"}, {"token_file", file.string()}, {"token_env", "RGW_CREDENTIALS_TEST_TOKEN"}}).find("exactly one"), std::string::npos);
  EXPECT_NE(refusal({{"kind", "bearer"}, {"token_file", "/nonexistent/secret"}}).find("file /nonexistent/secret is missing or empty"), std::string::npos);
  EXPECT_NE(refusal({{"kind", "bearer"}, {"token_env", "RGW_CREDENTIALS_TEST_UNSET"}}).find("environment variable RGW_CREDENTIALS_TEST_UNSET"), std::string::npos);
  EXPECT_NE(refusal({{"kind", "basic"}, {"password_file", file.string()}}).find("'auth.username' is required"), std::string::npos);
  EXPECT_NE(refusal({{"kind", "oauth2"}, {"client_id", "c"}, {"client_secret_file", file.string()}}).find("'auth.token_url' is required"), std::string::npos);
  EXPECT_NE(refusal({{"kind", "oauth2"}, {"token_url", "ftp://x"}, {"client_id", "c"}, {"client_secret_file", file.string()}}).find("token_url"), std::string::npos);
  EXPECT_NE(refusal({{"kind", "oauth2"}, {"token_url", "https://a.example/t"}, {"client_id", "c"}, {"client_secret_file", file.string()}, {"token_format", "xml"}})
                .find("token_format"),
            std::string::npos);
  EXPECT_NE(refusal({{"kind", "digest"}}).find("basic, bearer, api_key or oauth2"), std::string::npos);
  EXPECT_NE(refusal("bearer").find("must be an object"), std::string::npos);
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace rgw
