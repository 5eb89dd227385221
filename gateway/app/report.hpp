#pragma once
// `rewardgw report payouts --program ID (--month YYYY-MM | --from YYYY-MM-DD --to YYYY-MM-DD)
//   [--format csv|json] [--status issued|failed|reversed] [--provider NAME]`: the month-end export, written to
// stdout by the same code as GET /v1/reports/payouts (CSV by default).
#include <span>

#include "gateway/app/config.hpp"

namespace rgw::app {

// `args` are the words after "report". Returns a process exit code (2: bad usage, 1: failed).
int report(const Config& config, std::span<char* const> args);

}  // namespace rgw::app
