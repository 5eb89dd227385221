#pragma once
// What a provider call can tell us (docs/design.md, "Orders"). An adapter maps only explicit success to `issued`
// and explicit permanent refusal to `rejected`; whatever it cannot classify is `unknown`, never a failure.
#include <string_view>

namespace rgw::providers {

enum class Outcome {
  issued,     // the reward exists
  pending,    // accepted by the provider, not fulfilled yet: ask again with status()
  rejected,   // permanently refused (bad SKU, out of stock for good): safe to fail over or fail
  retryable,  // refused for now without creating anything (429, 503 before the request was processed)
  unknown,    // the request may or may not have created an order (timeout after sending, lost response)
};

std::string_view outcome_name(Outcome outcome);

// Whether the outcome says something about the provider's health (a rejection is a business answer).
constexpr bool counts_against_health(Outcome outcome) { return outcome == Outcome::retryable || outcome == Outcome::unknown; }

}  // namespace rgw::providers
