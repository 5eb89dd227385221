#pragma once
// What the one-shot commands (`load-catalog`, `report`) share: running their work to an exit code.
#include <boost/asio/awaitable.hpp>
#include <string_view>

namespace rgw::app {

// Runs `work` on its own io_context and returns its exit code; an exception is said on stderr as
// "name: what" and gives 1.
int run_command(std::string_view name, boost::asio::awaitable<int> work);

}  // namespace rgw::app
