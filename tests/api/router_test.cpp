#include "gateway/api/router.hpp"

#include <gtest/gtest.h>

namespace rgw::api {
namespace {

using boost::beast::http::verb;

TEST(Router, MatchesLiteralAndCapturedSegments) {
  Router<int> r;
  r.add(verb::get, "/v1/accounts/{id}", 1);
  r.add(verb::get, "/v1/accounts/{id}/ledger", 2);
  r.add(verb::post, "/v1/accounts/{id}/credits", 3);
  r.add(verb::post, "/v1/accounts", 4);

  auto m = r.match(verb::get, "/v1/accounts/acc_1/ledger");
  ASSERT_TRUE(m.route);
  EXPECT_EQ(*m.route, 2);
  EXPECT_EQ(m.params, std::vector<std::string>{"acc_1"});
  EXPECT_EQ(*r.match(verb::post, "/v1/accounts").route, 4);
  EXPECT_EQ(*r.match(verb::get, "/v1/accounts/x").route, 1);
}

TEST(Router, TellsUnknownPathsFromWrongMethods) {
  Router<int> r;
  r.add(verb::get, "/v1/accounts/{id}", 1);
  auto wrong_method = r.match(verb::delete_, "/v1/accounts/a");
  EXPECT_FALSE(wrong_method.route);
  EXPECT_TRUE(wrong_method.path_known);
  for (auto path : {"/v1/accounts", "/v1/accounts/", "/v1/accounts/a/b", "/v1/account/a", "/"}) {
    auto m = r.match(verb::get, path);
    EXPECT_FALSE(m.route) << path;
    EXPECT_FALSE(m.path_known) << path;
  }
}

}  // namespace
}  // namespace rgw::api
