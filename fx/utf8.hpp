#pragma once
// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing above U+10FFFF. Every text that
// arrives from outside (feeds, statements, request parameters) is checked with this one function.
#include <string_view>

namespace rgw::fx {

bool valid_utf8(std::string_view text);

// Valid UTF-8 without control characters (C0, DEL; NUL above all): what may be stored as a name or reason.
bool printable_utf8(std::string_view text);

// ASCII from '!' to '~': no space, no control, nothing above 0x7e (ids, keys, request ids).
bool visible_ascii(std::string_view text);

}  // namespace rgw::fx
