#pragma once
// Decoding application/x-www-form-urlencoded text: a token request's body, or the query of a target.
#include <map>
#include <string>
#include <string_view>

namespace rgw::sim {

// "a=1&b=x%20y" → {a: 1, b: x y}; '+' is a space.
std::map<std::string, std::string> form_fields(std::string_view text);
// The decoded query of a request target ("/orders?external_id=x" → {external_id: x}); empty without one.
std::map<std::string, std::string> query_of(std::string_view target);

}  // namespace rgw::sim
