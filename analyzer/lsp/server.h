#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "analyzer/lsp/workspace_config.h"

namespace godwit::lsp {

struct ServerOptions {
  // The process's working directory; the workspace folder the client names at initialization wins.
  std::filesystem::path working_directory;
  // Quiet time after a change before the analysis starts (changes in between are coalesced).
  std::chrono::milliseconds debounce{200};
  // How long a request that needs the analysis of the current text may wait for it.
  std::chrono::milliseconds request_timeout{30000};
  // Where the rules are documented; a diagnostic links to `docs_url#<rule id>`. Empty: no link.
  std::string docs_url;
  ConfigSource config = workspace_config;
  unsigned threads = 2;  // loader threads per analysis
  // The IR cache for modules read from the disk, as `godwit check` uses it (`cache_dir`, else
  // $GODWIT_CACHE_DIR, else `.godwit_cache` in the project root). Open buffers never touch it.
  bool cache = true;
  std::filesystem::path cache_dir;
};

// Serves the Language Server Protocol over `in_fd` and `out_fd` (JSON-RPC with Content-Length
// framing) until `exit` or the end of the input. Returns the process's exit code: 0 after
// `shutdown` then `exit`, 1 otherwise. Messages are read on a thread of their own, analyses run on
// a worker thread: neither a slow analysis nor a stuck file keeps the server from reading.
int run_server(const ServerOptions& options, int in_fd, int out_fd);

}  // namespace godwit::lsp
