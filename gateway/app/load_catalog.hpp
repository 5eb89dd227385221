#pragma once
// `rewardgw load-catalog PROGRAM_ID FILE`: the bulk loader. The file is {"products": {"SKU": product, ...}};
// every product is validated before any is written, then all are saved in one transaction (running gateways
// pick the change up through NOTIFY).
#include <string>

#include "gateway/app/config.hpp"

namespace rgw::app {

// Returns a process exit code; says what it did or why it refused on stdout/stderr.
int load_catalog(const Config& config, const std::string& program_id, const std::string& file);

}  // namespace rgw::app
