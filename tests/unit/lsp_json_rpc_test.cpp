// The base protocol: Content-Length framing that survives malformed input, and the JSON-RPC
// envelope checks.
#include <variant>

#include <catch2/catch.hpp>

#include "analyzer/lsp/json_rpc.h"
#include "tests/support/temp_dir.h"

#include <fcntl.h>
#include <unistd.h>

using godwit::lsp::ErrorCode;
using godwit::lsp::Frame;
using godwit::lsp::Incoming;
using godwit::lsp::Json;
using godwit::lsp::MessageReader;

namespace {

// Every frame a reader finds in `input`, until the end.
std::vector<Frame> frames(const std::string& input, size_t max_body = MessageReader::kDefaultMaxBody) {
  godwit::test::TempDir dir;
  const auto path = dir.write("input", input);
  const int fd = open(path.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  MessageReader reader(fd, max_body);
  std::vector<Frame> out;
  while (true) {
    Frame f = reader.next();
    if (f.kind == Frame::Kind::End) break;
    out.push_back(std::move(f));
    REQUIRE(out.size() < 100);
  }
  close(fd);
  return out;
}

std::string framed(const std::string& body) {
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

int error_code(const std::variant<Incoming, Json>& result) {
  REQUIRE(std::holds_alternative<Json>(result));
  return std::get<Json>(result)["error"]["code"].get<int>();
}

}  // namespace

TEST_CASE("messages are framed by Content-Length", "[unit][lsp]") {
  const auto out = frames(framed(R"({"a":1})") + "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" +
                          framed(R"({"b":"é"})") + "content-length: 2\n\n{}");
  REQUIRE(out.size() == 3);
  CHECK(out[0].body == R"({"a":1})");
  CHECK(out[1].body == R"({"b":"é"})");
  CHECK(out[2].body == "{}");
}

TEST_CASE("malformed headers are reported and reading goes on", "[unit][lsp]") {
  SECTION("no Content-Length") {
    const auto out = frames("Content-Type: x\r\n\r\n" + framed("{}"));
    REQUIRE(out.size() == 2);
    CHECK(out[0].kind == Frame::Kind::Malformed);
    CHECK(out[0].problem == "missing Content-Length header");
    CHECK(out[1].body == "{}");
  }
  SECTION("a length that is not a number") {
    const auto out = frames("Content-Length: -5\r\n\r\n" + framed("[1]"));
    REQUIRE(out.size() == 2);
    CHECK(out[0].kind == Frame::Kind::Malformed);
    CHECK(out[1].body == "[1]");
  }
  SECTION("a line that is no header") {
    const auto out = frames("hello\r\nContent-Length: 2\r\n\r\n{}" + framed("[]"));
    REQUIRE(out.size() == 3);
    CHECK(out[0].kind == Frame::Kind::Malformed);
    CHECK(out[1].body == "{}");
    CHECK(out[2].body == "[]");
  }
  SECTION("junk glued to the next header") {
    // A body longer than its header said: the rest runs into the next header.
    const auto out = frames("Content-Length: 2\r\n\r\n{}xyz" + framed(R"({"ok":true})"));
    REQUIRE(out.size() == 3);
    CHECK(out[0].body == "{}");
    CHECK(out[1].kind == Frame::Kind::Malformed);
    CHECK(out[2].body == R"({"ok":true})");
  }
  SECTION("a huge line without any header") {
    const auto out = frames(std::string(300000, 'x') + framed("{}"));
    REQUIRE(out.size() == 2);
    CHECK(out[0].kind == Frame::Kind::Malformed);
    CHECK(out[1].body == "{}");
  }
  SECTION("a body over the limit is skipped") {
    const auto out = frames(framed(std::string(100, ' ')) + framed("{}"), 50);
    REQUIRE(out.size() == 2);
    CHECK(out[0].kind == Frame::Kind::Malformed);
    CHECK(out[1].body == "{}");
  }
  SECTION("input ending inside a body") {
    const auto out = frames(framed("{}") + "Content-Length: 10\r\n\r\n{\"a\"");
    REQUIRE(out.size() == 1);
    CHECK(out[0].body == "{}");
  }
}

TEST_CASE("the JSON-RPC envelope is checked", "[unit][lsp]") {
  using godwit::lsp::classify;
  CHECK(error_code(classify(Json::array({1, 2}))) == static_cast<int>(ErrorCode::InvalidRequest));
  CHECK(error_code(classify(Json(3))) == static_cast<int>(ErrorCode::InvalidRequest));
  CHECK(error_code(classify(Json{{"id", 1}, {"method", "x"}})) == static_cast<int>(ErrorCode::InvalidRequest));
  CHECK(error_code(classify(Json{{"jsonrpc", "1.0"}, {"id", 1}, {"method", "x"}})) ==
        static_cast<int>(ErrorCode::InvalidRequest));
  CHECK(error_code(classify(Json{{"jsonrpc", "2.0"}, {"id", Json::object()}, {"method", "x"}})) ==
        static_cast<int>(ErrorCode::InvalidRequest));
  CHECK(error_code(classify(Json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", 5}})) ==
        static_cast<int>(ErrorCode::InvalidRequest));
  CHECK(error_code(classify(Json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "x"}, {"params", 5}})) ==
        static_cast<int>(ErrorCode::InvalidRequest));
  CHECK(error_code(classify(Json{{"jsonrpc", "2.0"}, {"id", 1}})) == static_cast<int>(ErrorCode::InvalidRequest));
  // The id comes back with the error when it could be read.
  CHECK(std::get<Json>(classify(Json{{"jsonrpc", "2.0"}, {"id", "r7"}, {"method", 1}}))["id"] == "r7");

  const auto request = classify(Json{{"jsonrpc", "2.0"}, {"id", "a"}, {"method", "m"}, {"params", {{"k", 1}}}});
  REQUIRE(std::holds_alternative<Incoming>(request));
  CHECK(std::get<Incoming>(request).kind == Incoming::Kind::Request);
  CHECK(std::get<Incoming>(request).params["k"] == 1);
  const auto notification = classify(Json{{"jsonrpc", "2.0"}, {"method", "n"}});
  REQUIRE(std::holds_alternative<Incoming>(notification));
  CHECK(std::get<Incoming>(notification).kind == Incoming::Kind::Notification);
  const auto response = classify(Json{{"jsonrpc", "2.0"}, {"id", 4}, {"result", nullptr}});
  REQUIRE(std::holds_alternative<Incoming>(response));
  CHECK(std::get<Incoming>(response).kind == Incoming::Kind::Response);
}
