#include "gateway/redemptions/status.hpp"

namespace rgw::redemptions {

using providers::Outcome;

std::string_view status_name(Status status) {
  switch (status) {
    case Status::accepted: return "accepted";
    case Status::dispatching: return "dispatching";
    case Status::issued: return "issued";
    case Status::retrying: return "retrying";
    case Status::unknown: return "unknown";
    case Status::failed: return "failed";
  }
  return "accepted";
}

std::optional<Status> parse_status(std::string_view name) {
  for (auto s : {Status::accepted, Status::dispatching, Status::issued, Status::retrying, Status::unknown, Status::failed})
    if (status_name(s) == name) return s;
  return std::nullopt;
}

bool can_move(Status from, Status to) {
  if (is_final(from)) return false;
  if (to == Status::failed) return true;
  switch (from) {
    // retrying: held before its first call (the provider's funds do not cover it yet).
    case Status::accepted: return to == Status::dispatching || to == Status::retrying;
    case Status::dispatching: return to == Status::issued || to == Status::retrying || to == Status::unknown || to == Status::dispatching;
    case Status::retrying: return to == Status::dispatching;
    // retrying: the provider said it has no order under the key, so issuing again with the same key is safe.
    case Status::unknown: return to == Status::issued || to == Status::retrying;
    default: return false;
  }
}

namespace {
Step known_failure(bool another_route) {
  return another_route ? Step{Status::retrying, Next::fail_over} : Step{Status::failed, Next::give_up};
}
}  // namespace

Step after_issue(Outcome outcome, bool another_route) {
  switch (outcome) {
    case Outcome::issued: return {Status::issued, Next::done};
    case Outcome::retryable: return {Status::retrying, Next::retry_issue};
    case Outcome::rejected: return known_failure(another_route);
    case Outcome::pending:
    case Outcome::unknown: return {Status::unknown, Next::ask_status};
  }
  return {Status::unknown, Next::ask_status};
}

Step after_status(Outcome outcome, bool another_route) {
  switch (outcome) {
    case Outcome::issued: return {Status::issued, Next::done};
    case Outcome::rejected: return known_failure(another_route);
    case Outcome::retryable: return {Status::retrying, Next::retry_issue};
    case Outcome::pending:
    case Outcome::unknown: return {Status::unknown, Next::ask_status};
  }
  return {Status::unknown, Next::ask_status};
}

}  // namespace rgw::redemptions
