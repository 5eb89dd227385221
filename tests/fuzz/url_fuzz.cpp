// Outgoing URLs (webhooks, provider base URLs, the FX source): an accepted URL prints as printable ASCII with no
// space, and its printed form parses back to the same parts.
#include "gateway/net/url.hpp"
#include "tests/fuzz/check.hpp"

using rgw::http::Url;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const auto url = Url::parse(fuzz_text(data, size));
  if (!url) return 0;
  const auto text = url->text();
  for (char c : text) FUZZ_CHECK(c > 0x20 && c < 0x7f);
  for (char c : url->authority()) FUZZ_CHECK(c > 0x20 && c < 0x7f && c != '/' && c != '@');
  FUZZ_CHECK(!url->target.empty() && url->target.front() == '/');
  const auto again = Url::parse(text);
  FUZZ_CHECK(again && again->tls == url->tls && again->host == url->host && again->port == url->port && again->target == url->target);
  return 0;
}
