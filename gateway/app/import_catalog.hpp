#pragma once
// `rewardgw import-catalog --provider NAME`: reads a configured provider's own catalog (Tango /catalogs, Tremendous
// /products, Reloadly /products) and writes it to stdout as a `load-catalog` file — one product per item, routed to
// that provider, inactive where it reports the item out of stock — for a person to review (names, countries, which
// products to offer) before loading it. What it could not map it names on stderr.
#include <iosfwd>
#include <string>

#include "gateway/app/config.hpp"

namespace rgw::app {

// Writes the file to `out` and what it skipped to `err`. Returns a process exit code: 0 written, 1 the provider's
// catalog could not be read, 2 bad usage.
int import_catalog(const Config& config, const std::string& provider_name, std::ostream& out, std::ostream& err);

}  // namespace rgw::app
