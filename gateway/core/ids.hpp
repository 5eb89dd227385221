#pragma once
// Opaque, time-ordered, unguessable identifiers: a type prefix and a ULID ("acc_01JD3M...").
#include <string>
#include <string_view>

namespace rgw {

std::string new_id(std::string_view prefix);

}  // namespace rgw
