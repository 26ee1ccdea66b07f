#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace godwit::lsp {

using Json = nlohmann::json;

// JSON-RPC 2.0 error codes, and the ones the Language Server Protocol adds.
enum class ErrorCode : int {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  ServerNotInitialized = -32002,
  RequestFailed = -32803,
  RequestCancelled = -32800,
};

// One unit of input as the base protocol frames it: `Content-Length: N\r\n\r\n` and N bytes.
struct Frame {
  enum class Kind : uint8_t {
    Message,    // `body` holds the bytes of one message
    Malformed,  // the header could not be read; `problem` says why. Reading goes on after it.
    End,        // end of input (or a read error)
  };
  Kind kind = Kind::End;
  std::string body;
  std::string problem;
};

// Reads framed messages from a file descriptor. Bad headers never stop it: it reports them and
// finds the next `Content-Length:` header (also when junk precedes it on the same line).
class MessageReader {
 public:
  static constexpr size_t kDefaultMaxBody = size_t{256} << 20;

  explicit MessageReader(int fd, size_t max_body = kDefaultMaxBody) : fd_(fd), max_body_(max_body) {}

  Frame next();

 private:
  // A header line without its terminator; nullopt at end of input. Lines longer than
  // kMaxLine are cut (the cut part is reported as junk by the caller through `overlong`).
  std::optional<std::string> read_line(bool& overlong);
  // Reads `count` bytes into `out` (or drops them when `out` is null); false at end of input.
  bool read_exact(size_t count, std::string* out);
  bool fill();

  static constexpr size_t kMaxLine = size_t{64} << 10;

  int fd_;
  size_t max_body_;
  std::string buffer_;
  size_t pos_ = 0;
  bool eof_ = false;
  // A header found after junk on one line, read next.
  std::optional<std::string> pushed_back_;
};

// Writes framed messages to a file descriptor; safe to call from several threads.
class MessageWriter {
 public:
  explicit MessageWriter(int fd) : fd_(fd) {}

  // False once the peer has gone away (nothing more will be written).
  bool write(const Json& message);
  [[nodiscard]] bool broken() const;

 private:
  mutable std::mutex mutex_;
  int fd_;
  bool broken_ = false;
};

// A well-formed JSON-RPC message.
struct Incoming {
  enum class Kind : uint8_t { Request, Notification, Response };
  Kind kind = Kind::Notification;
  Json id;  // Request, Response: a string or an integer
  std::string method;
  Json params;  // an object, an array, or null when absent
};

// Checks the envelope of a parsed message: an Incoming, or the error response to send back.
std::variant<Incoming, Json> classify(const Json& message);

Json make_response(const Json& id, Json result);
Json make_error(const Json& id, ErrorCode code, std::string_view message);
Json make_notification(std::string_view method, Json params);
Json make_request(const Json& id, std::string_view method, Json params);

}  // namespace godwit::lsp
