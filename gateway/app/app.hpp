#pragma once
// The gateway process: shard threads (one io_context each, with its own database pool), the HTTP server, the
// key-revocation listener and housekeeping. main() and the end-to-end tests run the same App.
#include <memory>
#include <optional>
#include <string>

#include "gateway/app/config.hpp"

namespace rgw::app {

class App {
 public:
  explicit App(Config config);
  ~App();

  // Applies migrations, binds the listener and starts the threads. Throws on failure (database, port).
  void start();
  unsigned short port() const;
  // Reads the providers file again (SIGHUP) and puts its providers in force (providers::Registry::next); a file
  // that cannot be read or does not validate changes nothing, and the answer says why.
  std::optional<std::string> reload_providers();
  // Graceful: stops accepting, lets requests in flight finish (up to shutdown_grace), then stops the threads.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace rgw::app
