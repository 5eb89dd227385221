#pragma once
// A route: its handler and who may call it. Access is checked before the handler runs.
#include <boost/asio/awaitable.hpp>
#include <initializer_list>

#include "gateway/api/call.hpp"
#include "gateway/api/router.hpp"

namespace rgw::api {

using Handler = boost::asio::awaitable<http::Reply> (*)(Call&);

struct Access {
  bool open = false;       // no key needed (health checks)
  bool bootstrap = false;  // the bootstrap key may call it
  unsigned roles = 0;      // bit per auth::Role
  // The first "{...}" of the path is an account id: a member may only name its own (others are 404). Routes
  // whose resource names its account otherwise ask Call::sees().
  bool account_in_path = false;

  static Access public_route() { return {true, false, 0}; }
  static Access keys(bool bootstrap, std::initializer_list<auth::Role> roles) {
    Access a{false, bootstrap, 0};
    for (auto r : roles) a.roles |= 1u << static_cast<unsigned>(r);
    return a;
  }
  Access account_path() const {
    Access a = *this;
    a.account_in_path = true;
    return a;
  }
  bool allows(const auth::Principal& p) const {
    return p.bootstrap ? bootstrap : (roles & (1u << static_cast<unsigned>(p.role))) != 0;
  }
};

struct Route {
  Handler handler;
  Access access;
};

using Routes = Router<Route>;

// Each resource adds its routes; the lists are in the files that implement them.
void add_health_routes(Routes& routes);
void add_program_routes(Routes& routes);
void add_account_routes(Routes& routes);
void add_fx_routes(Routes& routes);
void add_catalog_routes(Routes& routes);
void add_quote_routes(Routes& routes);
void add_redemption_routes(Routes& routes);
void add_metrics_routes(Routes& routes);
void add_ops_routes(Routes& routes);
void add_finance_routes(Routes& routes);
void add_cabinet_routes(Routes& routes);

// Every route of the API.
Routes all_routes();

}  // namespace rgw::api
