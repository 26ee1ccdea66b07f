#include "analyzer/lsp/json_rpc.h"

#include <algorithm>
#include <cctype>
#include <cerrno>

#include <unistd.h>

namespace godwit::lsp {

namespace {

constexpr std::string_view kContentLength = "content-length:";

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Where `Content-Length:` starts in `line`, case-insensitively.
size_t find_content_length(std::string_view line) {
  if (line.size() < kContentLength.size()) return std::string_view::npos;
  for (size_t i = 0; i + kContentLength.size() <= line.size(); ++i) {
    if (iequals(line.substr(i, kContentLength.size()), kContentLength)) return i;
  }
  return std::string_view::npos;
}

std::optional<size_t> parse_length(std::string_view text) {
  if (text.empty() || text.size() > 15) return std::nullopt;
  size_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<size_t>(c - '0');
  }
  return value;
}

bool valid_id(const Json& id) { return id.is_string() || id.is_number_integer(); }

}  // namespace

bool MessageReader::fill() {
  if (eof_) return false;
  if (pos_ > 0 && pos_ == buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
  } else if (pos_ > (size_t{1} << 20)) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  char chunk[65536];
  while (true) {
    const ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    eof_ = true;
    return false;
  }
}

std::optional<std::string> MessageReader::read_line(bool& overlong) {
  overlong = false;
  if (pushed_back_) {
    std::string line = std::move(*pushed_back_);
    pushed_back_.reset();
    return line;
  }
  std::string line;
  while (true) {
    const size_t newline = buffer_.find('\n', pos_);
    const size_t end = newline == std::string::npos ? buffer_.size() : newline;
    line.append(buffer_, pos_, end - pos_);
    pos_ = newline == std::string::npos ? buffer_.size() : newline + 1;
    if (line.size() > kMaxLine) {
      // Keep only what may be a header glued to the junk: from its last `Content-Length:`, or
      // the bytes where one may begin.
      size_t keep_from = line.size() - (kContentLength.size() - 1);
      for (size_t at = find_content_length(line); at != std::string::npos;) {
        keep_from = at;
        const size_t later = find_content_length(std::string_view(line).substr(at + 1));
        at = later == std::string_view::npos ? std::string::npos : at + 1 + later;
      }
      line.erase(0, keep_from);
      overlong = true;
    }
    if (newline != std::string::npos) break;
    if (!fill()) {
      if (line.empty()) return std::nullopt;
      break;
    }
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

bool MessageReader::read_exact(size_t count, std::string* out) {
  while (count > 0) {
    if (pos_ == buffer_.size() && !fill()) return false;
    const size_t take = std::min(count, buffer_.size() - pos_);
    if (out != nullptr) out->append(buffer_, pos_, take);
    pos_ += take;
    count -= take;
  }
  return true;
}

Frame MessageReader::next() {
  std::optional<size_t> length;
  std::string problem;
  bool saw_header = false;
  while (true) {
    bool overlong = false;
    std::optional<std::string> line = read_line(overlong);
    if (!line) return Frame{Frame::Kind::End, {}, {}};
    if (line->empty() && !overlong) {
      if (!saw_header) continue;  // blank lines between messages
      break;
    }
    const size_t header_at = find_content_length(*line);
    if (overlong || (header_at != std::string::npos && header_at > 0)) {
      // Junk (a body without a header, a body longer than announced) before a header: report
      // it, then read the header that follows it.
      if (header_at != std::string::npos) pushed_back_ = line->substr(header_at);
      return Frame{Frame::Kind::Malformed, {}, "unexpected data where a message header was expected"};
    }
    saw_header = true;
    const size_t colon = line->find(':');
    if (colon == std::string::npos) {
      // Not a header: report it now, so that it cannot take the next message down with it.
      return Frame{Frame::Kind::Malformed, {}, "malformed header line `" + line->substr(0, 80) + "`"};
    }
    const std::string_view name = trim(std::string_view(*line).substr(0, colon));
    const std::string_view value = trim(std::string_view(*line).substr(colon + 1));
    if (iequals(name, "Content-Length")) {
      length = parse_length(value);
      if (!length && problem.empty()) problem = "invalid Content-Length `" + std::string(value.substr(0, 40)) + "`";
    }
    // Content-Type and unknown headers are accepted and ignored (the body is UTF-8 JSON).
  }
  if (!length) return Frame{Frame::Kind::Malformed, {}, problem.empty() ? "missing Content-Length header" : problem};
  if (!problem.empty() || *length > max_body_) {
    // The body is skipped, so that the next message is read from its header.
    if (!read_exact(*length, nullptr)) return Frame{Frame::Kind::End, {}, {}};
    if (!problem.empty()) return Frame{Frame::Kind::Malformed, {}, problem};
    return Frame{Frame::Kind::Malformed,
                 {},
                 "message of " + std::to_string(*length) + " bytes exceeds the limit of " + std::to_string(max_body_) +
                     " bytes"};
  }
  Frame frame{Frame::Kind::Message, {}, {}};
  frame.body.reserve(*length);
  if (!read_exact(*length, &frame.body)) return Frame{Frame::Kind::End, {}, {}};
  return frame;
}

bool MessageWriter::write(const Json& message) {
  const std::string body = message.dump(-1, ' ', false, Json::error_handler_t::replace);
  const std::string data = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  const std::lock_guard lock(mutex_);
  if (broken_) return false;
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd_, data.data() + written, data.size() - written);
    if (n > 0) {
      written += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      broken_ = true;
      return false;
    }
  }
  return true;
}

bool MessageWriter::broken() const {
  const std::lock_guard lock(mutex_);
  return broken_;
}

std::variant<Incoming, Json> classify(const Json& message) {
  if (!message.is_object()) {
    return make_error(nullptr, ErrorCode::InvalidRequest,
                      message.is_array() ? "batches are not part of the Language Server Protocol"
                                         : "a message must be a JSON object");
  }
  const auto id_it = message.find("id");
  const bool has_id = id_it != message.end() && !id_it->is_null();
  const Json id = has_id && valid_id(*id_it) ? *id_it : Json(nullptr);
  if (has_id && !valid_id(*id_it))
    return make_error(nullptr, ErrorCode::InvalidRequest, "`id` must be a string or an integer");
  const auto version = message.find("jsonrpc");
  if (version == message.end() || *version != "2.0") {
    return make_error(id, ErrorCode::InvalidRequest, "`jsonrpc` must be \"2.0\"");
  }
  const auto method = message.find("method");
  if (method == message.end()) {
    if (has_id && (message.contains("result") || message.contains("error"))) {
      return Incoming{Incoming::Kind::Response, id, {}, nullptr};
    }
    return make_error(id, ErrorCode::InvalidRequest, "a request needs a `method`");
  }
  if (!method->is_string()) return make_error(id, ErrorCode::InvalidRequest, "`method` must be a string");
  Incoming incoming;
  incoming.kind = has_id ? Incoming::Kind::Request : Incoming::Kind::Notification;
  incoming.id = id;
  incoming.method = method->get<std::string>();
  // `params: null` is read as no params: clients send it for methods that take none.
  const auto params = message.find("params");
  if (params != message.end() && !params->is_null()) {
    if (!params->is_object() && !params->is_array()) {
      return make_error(id, ErrorCode::InvalidRequest, "`params` must be an object or an array");
    }
    incoming.params = *params;
  }
  return incoming;
}

Json make_response(const Json& id, Json result) {
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

Json make_error(const Json& id, ErrorCode code, std::string_view message) {
  return Json{
      {"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", static_cast<int>(code)}, {"message", std::string(message)}}}};
}

Json make_notification(std::string_view method, Json params) {
  return Json{{"jsonrpc", "2.0"}, {"method", std::string(method)}, {"params", std::move(params)}};
}

Json make_request(const Json& id, std::string_view method, Json params) {
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", std::string(method)}, {"params", std::move(params)}};
}

}  // namespace godwit::lsp
