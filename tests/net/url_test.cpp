#include "gateway/net/url.hpp"

#include <gtest/gtest.h>

namespace rgw::http {
namespace {

namespace ip = boost::asio::ip;

TEST(Url, ParsesAndNormalises) {
  const auto u = Url::parse("HTTPS://Hooks.Example.COM:8443/a/b?x=1&y=%2F");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "hooks.example.com");
  EXPECT_EQ(u->port, "8443");
  EXPECT_EQ(u->target, "/a/b?x=1&y=%2F");
  EXPECT_EQ(u->authority(), "hooks.example.com:8443") << "the port goes into Host";
  EXPECT_EQ(u->text(), "https://hooks.example.com:8443/a/b?x=1&y=%2F");
  EXPECT_EQ(Url::parse("http://example.com")->target, "/");
  EXPECT_EQ(Url::parse("http://example.com?q")->target, "/?q");
  EXPECT_EQ(Url::parse("http://example.com:80/")->authority(), "example.com") << "the default port is left out";
  EXPECT_EQ(Url::parse("http://203.0.113.7:0080/")->port, "80");
}

TEST(Url, TakesIpv6Literals) {
  const auto u = Url::parse("http://[2001:DB8::1]:8080/h");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "2001:db8::1");
  EXPECT_EQ(u->authority(), "[2001:db8::1]:8080");
  EXPECT_EQ(Url::parse("https://[::1]/")->authority(), "[::1]");
  EXPECT_FALSE(Url::parse("http://[::1/"));
  EXPECT_FALSE(Url::parse("http://[::1]:/"));
  EXPECT_FALSE(Url::parse("http://[fe80::1%25eth0]/")) << "no zone ids";
  EXPECT_FALSE(Url::parse("http://[127.0.0.1]/"));
}

// Each of these could put something other than our request on the wire, or reach somewhere unexpected.
TEST(Url, RefusesWhatCouldInjectOrMislead) {
  for (const char* bad : {"http://127.0.0.1:18121/a HTTP/1.1\r\nX-Injected: yes\r\n",  // the probe's injection
                          "http://h/a\nb", "http://h/a\rb", "http://h/a b", "http://h/\x01", "http://h/\xc3\xa9", "http://h/%zz", "http://h/%4",
                          "http://h/#frag", "http://user:pw@h/", "http://@h/", "http://h:0/", "http://h:65536/", "http://h:-1/", "http://h:8a/",
                          "http://h:/", "http:///a", "http://", "ftp://h/", "javascript:alert(1)", "//h/a", "http:/h/a", "http://h_x/",
                          "http://-h/", "http://h-/", "http://a..b/", "http://2130706433/", "http://0x7f000001/", "http://0x7f.1/",
                          "http://127.1/", "http://127.0.0.01/", "http://256.0.0.1/", "http://1.2.3.4.5/", "http://example.123/"})
    EXPECT_FALSE(Url::parse(bad)) << bad;
  EXPECT_FALSE(Url::parse(std::string("http://h/a\0b", 12)));
  EXPECT_FALSE(Url::parse("http://" + std::string(64, 'a') + ".com/")) << "a label over 63";
  EXPECT_TRUE(Url::parse("http://" + std::string(63, 'a') + ".com/"));
  EXPECT_TRUE(Url::parse("http://1e100.net/"));
}

TEST(Url, NamesSpecialUseAddresses) {
  auto kind = [](const char* a) { return special_use(ip::make_address(a)).value_or("public"); };
  EXPECT_EQ(kind("127.0.0.1"), "loopback");
  EXPECT_EQ(kind("127.255.0.9"), "loopback");
  EXPECT_EQ(kind("::1"), "loopback");
  EXPECT_EQ(kind("::ffff:127.0.0.1"), "loopback") << "IPv4-mapped counts as its IPv4";
  EXPECT_EQ(kind("169.254.169.254"), "link-local") << "cloud metadata";
  EXPECT_EQ(kind("fe80::1"), "link-local");
  EXPECT_EQ(kind("10.1.2.3"), "private");
  EXPECT_EQ(kind("172.31.255.255"), "private");
  EXPECT_EQ(kind("192.168.0.1"), "private");
  EXPECT_EQ(kind("fd00:ec2::254"), "private (unique local)");
  EXPECT_EQ(kind("0.0.0.0"), "unspecified");
  EXPECT_EQ(kind("::"), "unspecified");
  EXPECT_EQ(kind("100.64.0.1"), "shared (carrier-grade NAT)");
  EXPECT_EQ(kind("224.0.0.1"), "multicast");
  EXPECT_EQ(kind("8.8.8.8"), "public");
  EXPECT_EQ(kind("172.32.0.1"), "public");
  EXPECT_EQ(kind("2a00:1450:4001::1"), "public");
}

TEST(Url, PolicyRefusesSpecialAddressesUnlessAllowed) {
  DestinationPolicy open;
  EXPECT_FALSE(open.refusal(ip::make_address("127.0.0.1"))) << "provider and FX connections: operators choose them";
  DestinationPolicy webhooks{true, {}};
  EXPECT_EQ(webhooks.refusal(ip::make_address("127.0.0.1")).value_or(""), "127.0.0.1 is a loopback address");
  EXPECT_EQ(webhooks.refusal(ip::make_address("::ffff:169.254.169.254")).value_or(""), "169.254.169.254 is a link-local address");
  EXPECT_FALSE(webhooks.refusal(ip::make_address("93.184.216.34")));
  webhooks.allowed = {*Network::parse("10.20.0.0/16"), *Network::parse("::1")};
  EXPECT_FALSE(webhooks.refusal(ip::make_address("10.20.3.4")));
  EXPECT_TRUE(webhooks.refusal(ip::make_address("10.21.3.4")));
  EXPECT_FALSE(webhooks.refusal(ip::make_address("::1")));
  EXPECT_TRUE(webhooks.refusal(ip::make_address("127.0.0.1")));
}

TEST(Url, ParsesNetworks) {
  EXPECT_TRUE(Network::parse("0.0.0.0/0")->contains(ip::make_address("8.8.8.8")));
  EXPECT_FALSE(Network::parse("0.0.0.0/0")->contains(ip::make_address("::1"))) << "families apart";
  EXPECT_TRUE(Network::parse("192.168.1.0/31")->contains(ip::make_address("192.168.1.1")));
  EXPECT_FALSE(Network::parse("192.168.1.0/31")->contains(ip::make_address("192.168.1.2")));
  for (const char* bad : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "10.0.0/8", "host/8", ""}) EXPECT_FALSE(Network::parse(bad)) << bad;
}

}  // namespace
}  // namespace rgw::http
