#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <sys/types.h>

namespace godwit::test {

// A language-server client for tests: starts `godwit server` as a child process and talks to it
// over pipes, as an editor does. Every wait has a deadline; nothing sleeps to synchronize.
class LspClient {
 public:
  using Json = nlohmann::json;
  static constexpr std::chrono::seconds kTimeout{60};

  // Starts `argv` (the server command line) in `cwd`.
  LspClient(const std::vector<std::string>& argv, const std::string& cwd);
  ~LspClient();
  LspClient(const LspClient&) = delete;
  LspClient& operator=(const LspClient&) = delete;

  // Sends a message with its Content-Length header; `send_raw` sends bytes as they are.
  void send(const Json& message);
  void send_raw(const std::string& bytes);
  void notify(const std::string& method, Json params);
  // Sends a request and returns its id.
  Json send_request(const std::string& method, Json params);
  // Sends a request and waits for its response (the whole message: `result` or `error`).
  Json request(const std::string& method, Json params);

  // The first message, received or still to come, that `wanted` accepts; it is taken out of the
  // queue. nullopt when none arrives before the deadline or the server closes its output.
  std::optional<Json> wait_for(const std::function<bool(const Json&)>& wanted,
                               std::chrono::milliseconds timeout = kTimeout);
  // The response to the request `id`.
  std::optional<Json> response(const Json& id, std::chrono::milliseconds timeout = kTimeout);
  // The next `textDocument/publishDiagnostics` for `uri` (its params).
  std::optional<Json> diagnostics(const std::string& uri, std::chrono::milliseconds timeout = kTimeout);

  // Closes the server's input (end of file).
  void close_input();
  // Waits for the server to exit; its exit code, or nullopt when it did not exit in time.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = kTimeout);

  // Every message received so far, in order (taken or not).
  [[nodiscard]] const std::vector<Json>& log() const { return log_; }

 private:
  // Reads until one more message is complete; false at the deadline or end of output.
  bool read_one(std::chrono::steady_clock::time_point deadline);

  pid_t pid_ = -1;
  int to_server_ = -1;
  int from_server_ = -1;
  std::optional<int> exit_code_;
  std::string buffer_;
  std::deque<Json> queue_;
  std::vector<Json> log_;
  int next_id_ = 1;
};

}  // namespace godwit::test
