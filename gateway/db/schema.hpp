#pragma once
// The rewardgw schema: every migration in gateway/db/migrations, in version order.
#include <span>

#include "gateway/pg/migrate.hpp"

namespace rgw::db {

std::span<const pg::Migration> migrations();

}  // namespace rgw::db
