#pragma once
// Opaque, time-ordered, unguessable identifiers: a type prefix and a ULID ("acc_01JD3M...").
#include <string>
#include <string_view>

namespace rgw {

std::string new_id(std::string_view prefix);

// An id of one kind of thing, so that a function taking (ProgramId, RedemptionId) cannot be called with the two
// the other way round. Made explicitly from text (a path segment, a column); str() where it travels as text.
template <class Kind>
class Id {
 public:
  explicit Id(std::string value) : value_(std::move(value)) {}
  const std::string& str() const noexcept { return value_; }
  bool operator==(const Id&) const = default;

 private:
  std::string value_;
};

using ProgramId = Id<struct ProgramKind>;
using AccountId = Id<struct AccountKind>;
using RedemptionId = Id<struct RedemptionKind>;
using ProviderKey = Id<struct ProviderKeyKind>;  // what providers know an order by: their idempotency key

}  // namespace rgw
