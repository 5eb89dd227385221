#pragma once
// Personal data in text: the masks finance and ops see, and addresses masked in text from outside. Pure string
// functions (no keys), so the input parsers' fuzz build links them too.
#include <string>
#include <string_view>

namespace rgw::personal {

// What finance and ops see: the first character and the domain of an e-mail ("i***@example.com"), the first
// character of each word of a name ("И*** Р***").
std::string mask_email(std::string_view email);
std::string mask_name(std::string_view name);
// `text` with every e-mail address in it masked: for text from outside (a provider's error) that may echo one.
std::string without_emails(std::string_view text);

}  // namespace rgw::personal
