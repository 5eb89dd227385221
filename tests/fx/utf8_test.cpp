#include "fx/utf8.hpp"

#include <gtest/gtest.h>

namespace rgw::fx {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  for (const char* good : {"", "plain", "Ромашка", "€ 10", "\xf0\x9f\x8e\x81", "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf", "\xee\x80\x80"})
    EXPECT_TRUE(valid_utf8(good)) << good;
}

TEST(Utf8, RefusesWhatRfc3629Forbids) {
  for (const char* bad : {"\xff", "\x80", "\xc0\xaf",     // overlong '/'
                          "\xc1\xbf", "\xe0\x80\xaf",     // overlong 3-byte
                          "\xf0\x80\x80\xaf",              // overlong 4-byte
                          "\xed\xa0\x80", "\xed\xbf\xbf",  // surrogates
                          "\xf4\x90\x80\x80",              // above U+10FFFF
                          "\xf5\x80\x80\x80", "\xf8\x88\x80\x80\x80", "\xe2\x82", "abc\xe2", "\xc3\x28"})
    EXPECT_FALSE(valid_utf8(bad)) << testing::PrintToString(std::string(bad));
}

TEST(Utf8, PrintableRefusesControlCharacters) {
  EXPECT_TRUE(printable_utf8("Ромашка 1"));
  EXPECT_FALSE(printable_utf8(std::string("a\0b", 3)));
  EXPECT_FALSE(printable_utf8("a\nb"));
  EXPECT_FALSE(printable_utf8("a\x7f"));
  EXPECT_FALSE(printable_utf8("\xff"));
}

TEST(Utf8, VisibleAsciiHasNoSpaceControlOrHighBytes) {
  EXPECT_TRUE(visible_ascii("req_01-A~!"));
  for (const char* bad : {"a b", "a\tb", "a\x7f", "\xff", "\xd0\x9f"}) EXPECT_FALSE(visible_ascii(bad)) << bad;
}

}  // namespace
}  // namespace rgw::fx
