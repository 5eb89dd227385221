#pragma once
// The browser assets of the cabinet (docs/cabinet.md), as the gateway serves them.
#include <string_view>

namespace rgw::web {

// GET /widget/v1/redeem.js: the <rewardgw-redeem> Web Component.
std::string_view redeem_widget();
// GET /demo/cabinet: the demo cabinet page, with {{NAME}} placeholders the route fills in (HTML-escaped).
std::string_view demo_cabinet_page();

}  // namespace rgw::web
