// docs/openapi.yaml must describe every route the gateway serves.
#include <gtest/gtest.h>

#include <boost/beast/http/verb.hpp>
#include <fstream>
#include <sstream>

#include "gateway/api/route.hpp"

namespace rgw::api {
namespace {

// The methods listed under `path` in the OpenAPI paths object (two-space path keys, four-space methods).
std::vector<std::string> documented_methods(const std::string& yaml, const std::string& path) {
  std::istringstream in(yaml);
  std::vector<std::string> methods;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("  /", 0) == 0 || line.rfind("components:", 0) == 0) inside = (line == "  " + path + ":");
    else if (inside && line.size() > 4 && line.rfind("    ", 0) == 0 && line[4] != ' ' && line.back() == ':')
      methods.push_back(line.substr(4, line.size() - 5));
  }
  return methods;
}

TEST(OpenApi, DocumentsEveryRoute) {
  std::ifstream file(RGW_SOURCE_DIR "/docs/openapi.yaml");
  ASSERT_TRUE(file) << "docs/openapi.yaml is missing";
  const std::string yaml((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const auto routes = all_routes().list();
  ASSERT_FALSE(routes.empty());
  for (const auto& [method, pattern] : routes) {
    std::string name(boost::beast::http::to_string(method));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    const auto methods = documented_methods(yaml, pattern);
    EXPECT_NE(std::find(methods.begin(), methods.end(), name), methods.end()) << name << " " << pattern << " is not in docs/openapi.yaml";
  }
}

}  // namespace
}  // namespace rgw::api
