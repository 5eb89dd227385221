#include "providers/core/outcome.hpp"

namespace rgw::providers {

std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::issued: return "issued";
    case Outcome::pending: return "pending";
    case Outcome::rejected: return "rejected";
    case Outcome::retryable: return "retryable";
    case Outcome::unknown: return "unknown";
  }
  return "unknown";
}

}  // namespace rgw::providers
