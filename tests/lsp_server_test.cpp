// `godwit server` as an editor sees it: the real binary over pipes, the protocol's lifecycle,
// diagnostics that follow the buffer, hover, code actions, and malformed input.
#include <catch2/catch.hpp>

#include <filesystem>

#include "analyzer/cache/ir_cache.h"
#include "analyzer/driver/subprocess.h"
#include "analyzer/lsp/uri.h"
#include "analyzer/source/source_file.h"
#include "tests/support/lsp_client.h"
#include "tests/support/temp_dir.h"

using godwit::test::LspClient;
using godwit::test::TempDir;
using Json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kInitial = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            "Order",
            [
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("status", models.CharField(max_length=20)),
            ],
        ),
    ]
)py";

// The RunSQL before the RunPython, on the same line, holds an emoji: 4 bytes, 2 UTF-16 units.
constexpr const char* kBackfill = R"py(from django.db import migrations


def forwards(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [migrations.RunSQL("SELECT '🚀'", "SELECT 1"), migrations.RunPython(forwards)]
)py";
constexpr uint32_t kBackfillLine = 9;

constexpr const char* kAddNote = R"py(from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddField("order", "note", models.TextField(null=True)),
    ]
)py";

constexpr const char* kRemoveNote = R"py(from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_order_note")]
    operations = [
        migrations.RemoveField("order", "note"),
    ]
)py";

std::string uri(const TempDir& dir, const std::string& relative) {
  return godwit::lsp::uri_from_path(dir.path() / relative);
}

// A started and initialized server for the project in `dir`.
struct Session {
  explicit Session(const TempDir& dir, std::vector<std::string> extra = {}, Json capabilities = Json::object())
      : client(command(std::move(extra)), dir.path().string()) {
    initialize = client.request("initialize", {{"processId", nullptr},
                                               {"rootUri", godwit::lsp::uri_from_path(dir.path())},
                                               {"capabilities", std::move(capabilities)}});
    client.notify("initialized", Json::object());
  }

  // The server's command line: a short debounce unless `extra` sets one.
  static std::vector<std::string> command(std::vector<std::string> extra) {
    std::vector<std::string> argv{GODWIT_BINARY, "server"};
    if (std::find(extra.begin(), extra.end(), "--debounce-ms") == extra.end())
      extra.insert(extra.end(), {"--debounce-ms", "20"});
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  void open(const std::string& doc, const std::string& text, int version = 1) {
    client.notify("textDocument/didOpen",
                  {{"textDocument", {{"uri", doc}, {"languageId", "python"}, {"version", version}, {"text", text}}}});
  }

  void change(const std::string& doc, int version, Json changes) {
    client.notify("textDocument/didChange",
                  {{"textDocument", {{"uri", doc}, {"version", version}}}, {"contentChanges", std::move(changes)}});
  }

  // The next diagnostics published for `doc`.
  Json diagnostics(const std::string& doc) {
    const std::optional<Json> published = client.diagnostics(doc);
    REQUIRE(published.has_value());
    return *published;
  }

  // Shuts down and exits as the protocol asks; the server's exit code.
  int finish() {
    const Json reply = client.request("shutdown", nullptr);
    CHECK(reply.contains("result"));
    client.notify("exit", nullptr);
    const std::optional<int> code = client.wait_exit();
    REQUIRE(code.has_value());
    return *code;
  }

  LspClient client;
  Json initialize;
};

Json range(uint32_t l0, uint32_t c0, uint32_t l1, uint32_t c1) {
  return Json{{"start", {{"line", l0}, {"character", c0}}}, {"end", {{"line", l1}, {"character", c1}}}};
}

const Json* find_code(const Json& published, const std::string& code) {
  for (const Json& d : published["diagnostics"]) {
    if (d["code"] == code) return &d;
  }
  return nullptr;
}

bool has_code(const Json& published, const std::string& code) { return find_code(published, code) != nullptr; }

// Applies a WorkspaceEdit's edits for `doc` to `text` as a client does (UTF-16 ranges, all against
// the text before the edit), and returns them as didChange events (last first, so that each
// applies to the text the previous one left).
std::pair<std::string, Json> apply_edit(const Json& edit, const std::string& doc, const std::string& text) {
  Json edits = Json::array();
  if (edit.contains("documentChanges")) {
    for (const Json& change : edit["documentChanges"]) {
      if (change["textDocument"]["uri"] == doc) edits = change["edits"];
    }
  } else {
    edits = edit["changes"][doc];
  }
  const godwit::source::SourceFile file("x.py", text);
  std::vector<std::tuple<uint32_t, uint32_t, std::string, Json>> spans;
  for (const Json& e : edits) {
    const auto offset = [&](const Json& p) {
      return file.offset({p["line"].get<uint32_t>() + 1, p["character"].get<uint32_t>() + 1},
                         godwit::source::ColumnUnit::Utf16);
    };
    spans.emplace_back(offset(e["range"]["start"]), offset(e["range"]["end"]), e["newText"].get<std::string>(),
                       e["range"]);
  }
  std::sort(spans.begin(), spans.end(), [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
  std::string out = text;
  Json changes = Json::array();
  for (const auto& [begin, end, new_text, lsp_range] : spans) {
    out.replace(begin, end - begin, new_text);
    changes.push_back(Json{{"range", lsp_range}, {"text", new_text}});
  }
  return {out, changes};
}

}  // namespace

TEST_CASE("initialize announces what the server does; shutdown then exit ends with 0", "[lsp-server]") {
  TempDir dir;
  Session s(dir);
  const Json& caps = s.initialize["result"]["capabilities"];
  CHECK(caps["positionEncoding"] == "utf-16");
  CHECK(caps["textDocumentSync"]["change"] == 2);
  CHECK(caps["textDocumentSync"]["openClose"] == true);
  CHECK(caps["hoverProvider"] == true);
  CHECK(caps["codeActionProvider"]["codeActionKinds"] == Json::array({"quickfix"}));
  CHECK(s.initialize["result"]["serverInfo"]["name"] == "godwit");
  CHECK(s.finish() == 0);
}

TEST_CASE("exit without shutdown, or the end of the input, ends with 1", "[lsp-server]") {
  TempDir dir;
  SECTION("exit") {
    Session s(dir);
    s.client.notify("exit", nullptr);
    CHECK(s.client.wait_exit() == 1);
  }
  SECTION("end of input") {
    Session s(dir);
    s.client.close_input();
    CHECK(s.client.wait_exit() == 1);
  }
  SECTION("end of input after shutdown") {
    Session s(dir);
    CHECK(s.client.request("shutdown", nullptr).contains("result"));
    s.client.close_input();
    CHECK(s.client.wait_exit() == 1);
  }
}

TEST_CASE("requests out of the lifecycle get the protocol's errors", "[lsp-server]") {
  TempDir dir;
  LspClient client(Session::command({}), dir.path().string());
  CHECK(client.request("textDocument/hover", Json::object())["error"]["code"] == -32002);
  CHECK(client.request("initialize", {{"capabilities", Json::object()}}).contains("result"));
  CHECK(client.request("initialize", {{"capabilities", Json::object()}})["error"]["code"] == -32600);
  CHECK(client.request("shutdown", nullptr).contains("result"));
  CHECK(client.request("textDocument/hover", Json::object())["error"]["code"] == -32600);
  client.notify("exit", nullptr);
  CHECK(client.wait_exit() == 0);
}

TEST_CASE("malformed messages get JSON-RPC errors and the server goes on", "[lsp-server]") {
  TempDir dir;
  Session s(dir);
  const auto next_error = [&] {
    const std::optional<Json> m = s.client.wait_for([](const Json& j) { return j.contains("error"); });
    REQUIRE(m.has_value());
    return *m;
  };
  s.client.send_raw("Content-Type: text/plain\r\n\r\n");
  CHECK(next_error()["error"]["code"] == -32700);
  s.client.send_raw("Content-Length: 7\r\n\r\n{\"a\": }");
  CHECK(next_error()["error"]["code"] == -32700);
  s.client.send_raw("Content-Length: 3\r\n\r\n\xC3\x28\"");
  CHECK(next_error()["error"]["code"] == -32700);
  s.client.send_raw("garbage without a header\r\n");
  CHECK(next_error()["error"]["code"] == -32700);
  s.client.send(Json::array({1}));
  CHECK(next_error()["error"]["code"] == -32600);
  s.client.send(Json{{"jsonrpc", "2.0"}, {"id", 99}, {"method", 12}});
  const Json bad_method = next_error();
  CHECK(bad_method["error"]["code"] == -32600);
  CHECK(bad_method["id"] == 99);
  std::string deep(100000, '[');
  s.client.send_raw("Content-Length: " + std::to_string(deep.size()) + "\r\n\r\n" + deep);
  CHECK(next_error()["error"]["code"] == -32700);
  CHECK(s.client.request("workspace/symbol", {{"query", ""}})["error"]["code"] == -32601);
  CHECK(s.client.request("textDocument/hover", {{"position", 3}})["error"]["code"] == -32602);
  CHECK(s.client.request("textDocument/codeAction", {{"textDocument", {{"uri", 5}}}})["error"]["code"] == -32602);
  // A notification with bad params, and one nobody handles: no answer, no harm.
  s.client.notify("textDocument/didChange", {{"textDocument", 1}});
  s.client.notify("$/unknown", Json::object());
  // Still serving.
  const Json hover = s.client.request(
      "textDocument/hover", {{"textDocument", {{"uri", "untitled:x"}}}, {"position", {{"line", 0}, {"character", 0}}}});
  CHECK(hover.contains("result"));
  CHECK(hover["result"].is_null());
  CHECK(s.finish() == 0);
}

TEST_CASE("diagnostics at exact UTF-16 ranges, updated as the buffer changes", "[lsp-server]") {
  TempDir dir;
  dir.write("shop/migrations/0001_initial.py", kInitial);
  dir.write("shop/migrations/0002_backfill.py", kBackfill);
  Session s(dir);
  const std::string doc = uri(dir, "shop/migrations/0002_backfill.py");
  s.open(doc, kBackfill);
  Json published = s.diagnostics(doc);
  CHECK(published["version"] == 1);
  const Json* rv001 = find_code(published, "RV001");
  REQUIRE(rv001 != nullptr);
  // `    operations = [migrations.RunSQL("SELECT '🚀'", "SELECT 1"), ` is 64 UTF-16 units long (66
  // bytes); `migrations.RunPython(forwards)` 30.
  CHECK((*rv001)["range"] == range(kBackfillLine, 64, kBackfillLine, 94));
  CHECK((*rv001)["severity"] == 1);
  CHECK((*rv001)["source"] == "godwit");
  CHECK((*rv001)["codeDescription"]["href"].get<std::string>().ends_with("#rv001"));
  CHECK((*rv001)["message"].get<std::string>().find("cannot be rolled back") != std::string::npos);
  const Json* zd013 = find_code(published, "ZD013");
  REQUIRE(zd013 != nullptr);
  CHECK((*zd013)["severity"] == 3);

  // Typing the reverse in (an incremental change at UTF-16 columns): RV001 goes away.
  s.change(
      doc, 2,
      Json::array({{{"range", range(kBackfillLine, 93, kBackfillLine, 93)}, {"text", ", migrations.RunPython.noop"}}}));
  published = s.diagnostics(doc);
  CHECK(published["version"] == 2);
  CHECK_FALSE(has_code(published, "RV001"));
  CHECK(has_code(published, "ZD013"));

  // And deleting it brings RV001 back, where it was.
  s.change(doc, 3, Json::array({{{"range", range(kBackfillLine, 93, kBackfillLine, 120)}, {"text", ""}}}));
  published = s.diagnostics(doc);
  rv001 = find_code(published, "RV001");
  REQUIRE(rv001 != nullptr);
  CHECK((*rv001)["range"] == range(kBackfillLine, 64, kBackfillLine, 94));

  // Closing the document clears its diagnostics.
  s.client.notify("textDocument/didClose", {{"textDocument", {{"uri", doc}}}});
  CHECK(s.diagnostics(doc)["diagnostics"].empty());
  CHECK(s.finish() == 0);
}

TEST_CASE("the client may ask for UTF-8 columns", "[lsp-server]") {
  TempDir dir;
  dir.write("shop/migrations/0001_initial.py", kInitial);
  Session s(dir, {}, {{"general", {{"positionEncodings", {"utf-8", "utf-16"}}}}});
  CHECK(s.initialize["result"]["capabilities"]["positionEncoding"] == "utf-8");
  const std::string doc = uri(dir, "shop/migrations/0002_backfill.py");
  s.open(doc, kBackfill);
  const Json published = s.diagnostics(doc);
  const Json* rv001 = find_code(published, "RV001");
  REQUIRE(rv001 != nullptr);
  CHECK((*rv001)["range"] == range(kBackfillLine, 66, kBackfillLine, 96));
  CHECK(s.finish() == 0);
}

TEST_CASE("unsaved buffers win over the disk; a change re-checks the migrations that depend on it", "[lsp-server]") {
  TempDir dir;
  dir.write("shop/migrations/0001_initial.py", kInitial);
  dir.write("shop/migrations/0002_order_note.py", kAddNote);
  dir.write("shop/migrations/0003_remove_order_note.py", kRemoveNote);
  Session s(dir);
  const std::string add = uri(dir, "shop/migrations/0002_order_note.py");
  const std::string remove = uri(dir, "shop/migrations/0003_remove_order_note.py");
  s.open(add, kAddNote);
  s.open(remove, kRemoveNote);
  // 0003 drops a column that 0002 adds: old code still reads it.
  std::optional<Json> published;
  published = s.client.wait_for([&](const Json& m) {
    return m.value("method", "") == "textDocument/publishDiagnostics" && m["params"]["uri"] == remove &&
           has_code(m["params"], "BC002");
  });
  REQUIRE(published.has_value());

  // 0002, unsaved, now adds `memo` instead: 0003 removes a field the state does not have, and is
  // re-checked without being touched.
  const std::string edited = std::string(kAddNote).replace(std::string(kAddNote).find("\"note\""), 6, "\"memo\"");
  s.change(add, 2, Json::array({{{"text", edited}}}));  // a full-text change, the fallback sync
  published = s.client.wait_for([&](const Json& m) {
    return m.value("method", "") == "textDocument/publishDiagnostics" && m["params"]["uri"] == remove &&
           !has_code(m["params"], "BC002");
  });
  REQUIRE(published.has_value());
  CHECK((*published)["params"]["version"] == 1);

  // A migration that exists only in the editor depends on 0003: it is read, and 0003 is no longer
  // a leaf.
  const std::string fresh = uri(dir, "shop/migrations/0004_backfill.py");
  s.open(fresh,
         std::string(kBackfill).replace(std::string(kBackfill).find("0001_initial"), 12, "0003_remove_order_note"));
  const Json fresh_published = s.diagnostics(fresh);
  CHECK(has_code(fresh_published, "RV001"));
  CHECK_FALSE(has_code(fresh_published, "GR001"));
  CHECK(s.finish() == 0);
}

TEST_CASE("hover shows the rule's documentation; code actions fix the finding", "[lsp-server]") {
  TempDir dir;
  dir.write("shop/migrations/0001_initial.py", kInitial);
  Session s(dir, {}, {{"workspace", {{"workspaceEdit", {{"documentChanges", true}}}}}});
  const std::string doc = uri(dir, "shop/migrations/0002_backfill.py");
  std::string text = kBackfill;
  s.open(doc, text);
  REQUIRE(has_code(s.diagnostics(doc), "RV001"));

  const Json hover =
      s.client.request("textDocument/hover",
                       {{"textDocument", {{"uri", doc}}}, {"position", {{"line", kBackfillLine}, {"character", 70}}}});
  const std::string markdown = hover["result"]["contents"]["value"].get<std::string>();
  CHECK(hover["result"]["contents"]["kind"] == "markdown");
  CHECK(markdown.find("**RV001** `runpython-without-reverse`") != std::string::npos);
  CHECK(markdown.find("## What it does") != std::string::npos);
  CHECK(markdown.find("## Use instead") != std::string::npos);
  CHECK(hover["result"]["range"] == range(kBackfillLine, 64, kBackfillLine, 94));
  const Json nothing = s.client.request(
      "textDocument/hover", {{"textDocument", {{"uri", doc}}}, {"position", {{"line", 0}, {"character", 0}}}});
  CHECK(nothing["result"].is_null());

  const Json actions =
      s.client.request("textDocument/codeAction", {{"textDocument", {{"uri", doc}}},
                                                   {"range", range(kBackfillLine, 70, kBackfillLine, 70)},
                                                   {"context", {{"diagnostics", Json::array()}}}});
  REQUIRE(actions["result"].is_array());
  const Json* noop = nullptr;
  std::vector<std::string> titles;
  for (const Json& a : actions["result"]) {
    titles.push_back(a["title"]);
    CHECK(a["kind"] == "quickfix");
    if (a["title"].get<std::string>().starts_with("Add `reverse_code=migrations.RunPython.noop`")) noop = &a;
  }
  INFO("titles: " << Json(titles).dump());
  CHECK(std::find(titles.begin(), titles.end(), "Suppress RV001 for this operation") != titles.end());
  REQUIRE(noop != nullptr);
  CHECK((*noop)["diagnostics"][0]["code"] == "RV001");
  CHECK((*noop)["edit"]["documentChanges"][0]["textDocument"]["version"] == 1);

  // The client applies the edit and sends it back as changes: the finding is gone.
  auto [fixed, changes] = apply_edit((*noop)["edit"], doc, text);
  CHECK(fixed.find("migrations.RunPython(forwards, reverse_code=migrations.RunPython.noop)]") != std::string::npos);
  s.change(doc, 2, changes);
  const Json published = s.diagnostics(doc);
  CHECK_FALSE(has_code(published, "RV001"));
  CHECK_FALSE(has_code(published, "SY001"));

  // Only quick fixes are offered.
  const Json refactors = s.client.request("textDocument/codeAction",
                                          {{"textDocument", {{"uri", doc}}},
                                           {"range", range(kBackfillLine, 0, kBackfillLine, 200)},
                                           {"context", {{"diagnostics", Json::array()}, {"only", {"refactor"}}}}});
  CHECK(refactors["result"] == Json::array());
  CHECK(s.finish() == 0);
}

TEST_CASE("requests waiting for an analysis can be cancelled, and go stale when the text changes", "[lsp-server]") {
  TempDir dir;
  dir.write("shop/migrations/0001_initial.py", kInitial);
  // An analysis that starts only after a minute of quiet: the requests below must wait for it.
  Session s(dir, {"--debounce-ms", "60000"});
  const std::string doc = uri(dir, "shop/migrations/0002_backfill.py");
  s.open(doc, kBackfill);
  const Json position{{"line", kBackfillLine}, {"character", 70}};
  const Json hover =
      s.client.send_request("textDocument/hover", {{"textDocument", {{"uri", doc}}}, {"position", position}});
  s.client.notify("$/cancelRequest", {{"id", hover}});
  const std::optional<Json> cancelled = s.client.response(hover);
  REQUIRE(cancelled.has_value());
  CHECK((*cancelled)["error"]["code"] == -32800);

  const Json stale =
      s.client.send_request("textDocument/hover", {{"textDocument", {{"uri", doc}}}, {"position", position}});
  s.change(doc, 2, Json::array({{{"range", range(0, 0, 0, 0)}, {"text", "# edited\n"}}}));
  const std::optional<Json> modified = s.client.response(stale);
  REQUIRE(modified.has_value());
  CHECK((*modified)["error"]["code"] == -32801);

  // Shutdown is answered at once, analysis pending or not.
  CHECK(s.finish() == 0);
}

TEST_CASE("a huge buffer does not keep the server from answering", "[lsp-server]") {
  TempDir dir;
  dir.write("shop/migrations/0001_initial.py", kInitial);
  Session s(dir, {"--debounce-ms", "0"});
  std::string huge =
      "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n"
      "    dependencies = [(\"shop\", \"0001_initial\")]\n    operations = [\n";
  while (huge.size() < (size_t{12} << 20)) {
    huge += "        migrations.AddField(\"order\", \"f" + std::to_string(huge.size()) +
            "\", models.TextField(null=True)),\n";
  }
  huge += "    ]\n";
  const std::string doc = uri(dir, "shop/migrations/0002_huge.py");
  s.open(doc, huge);
  // Answered while the worker is still busy with the huge file: before its diagnostics.
  const Json id = s.client.send_request("workspace/executeCommand", {{"command", "x"}});
  const std::optional<Json> first = s.client.wait_for([&](const Json& m) {
    return (!m.contains("method") && m["id"] == id) || m.value("method", "") == "textDocument/publishDiagnostics";
  });
  REQUIRE(first.has_value());
  CHECK((*first)["id"] == id);
  CHECK((*first)["error"]["code"] == -32601);
  CHECK(s.finish() == 0);
}

TEST_CASE("documents that are not migrations get nothing", "[lsp-server]") {
  TempDir dir;
  dir.write("shop/migrations/0001_initial.py", kInitial);
  Session s(dir);
  const std::string models = uri(dir, "shop/models.py");
  s.open(models, "from django.db import models\n\nclass Order(models.Model):\n    pass\n");
  const Json hover = s.client.request(
      "textDocument/hover", {{"textDocument", {{"uri", models}}}, {"position", {{"line", 2}, {"character", 8}}}});
  CHECK(hover["result"].is_null());
  const Json actions = s.client.request("textDocument/codeAction", {{"textDocument", {{"uri", models}}},
                                                                    {"range", range(0, 0, 3, 0)},
                                                                    {"context", {{"diagnostics", Json::array()}}}});
  CHECK(actions["result"] == Json::array());
  CHECK(s.finish() == 0);
  for (const Json& m : s.client.log()) CHECK(m.value("method", "") != "textDocument/publishDiagnostics");
}

TEST_CASE("open buffers are never read from or written to the IR cache; the files on disk are", "[lsp-server]") {
  TempDir dir;
  dir.write("shop/migrations/0001_initial.py", kInitial);
  dir.write("shop/migrations/0002_order_note.py", kAddNote);
  dir.write("shop/migrations/0003_remove_order_note.py", kRemoveNote);
  const fs::path cache_dir = dir.path() / "cache";
  const fs::path migrations = dir.path() / "shop" / "migrations";
  const auto check = [&](const std::vector<std::string>& cache) {
    std::vector<std::string> argv{GODWIT_BINARY, "check", "--format", "json"};
    argv.insert(argv.end(), cache.begin(), cache.end());
    argv.emplace_back(".");
    return godwit::driver::run_process(argv, dir.path().string()).out;
  };
  const std::string uncached = check({"--no-cache"});
  const std::string add = uri(dir, "shop/migrations/0002_order_note.py");
  const std::string remove = uri(dir, "shop/migrations/0003_remove_order_note.py");
  // 0002, unsaved, adds `memo` instead of `note`: 0003 then removes a field the state does not have.
  const std::string edited = std::string(kAddNote).replace(std::string(kAddNote).find("\"note\""), 6, "\"memo\"");
  const auto session = [&] {
    Session s(dir, {"--cache-dir", cache_dir.string()});
    s.open(add, edited);
    s.open(remove, kRemoveNote);
    const std::optional<Json> published = s.client.wait_for([&](const Json& m) {
      return m.value("method", "") == "textDocument/publishDiagnostics" && m["params"]["uri"] == remove;
    });
    REQUIRE(published.has_value());
    CHECK(s.finish() == 0);
    return has_code((*published)["params"], "BC002");
  };
  const auto source = [&](const std::string& name, const std::string& text) {
    return std::make_shared<const godwit::source::SourceFile>("shop/migrations/" + name + ".py", text);
  };

  SECTION("a cache filled from the disk is not served for the buffer, and not rewritten") {
    CHECK(check({"--cache-dir", cache_dir.string()}) == uncached);  // 0002 as on disk is cached
    std::string error;
    const auto cache = godwit::cache::IrCache::open(cache_dir, error);
    REQUIRE(cache);
    const fs::path pack = cache->pack_path(migrations);
    REQUIRE(fs::is_regular_file(pack));
    const auto written = fs::last_write_time(pack);
    CHECK_FALSE(session());  // the buffer's `memo`, not the cached `note`: no BC002
    CHECK(fs::last_write_time(pack) == written);
    CHECK(check({"--cache-dir", cache_dir.string()}) == uncached);
  }
  SECTION("an empty cache gets the files on disk, never the buffer") {
    CHECK_FALSE(session());
    std::string error;
    const auto cache = godwit::cache::IrCache::open(cache_dir, error);
    REQUIRE(cache);
    auto folder = cache->folder(migrations);
    CHECK(folder->load(source("0001_initial", kInitial), "shop", "0001_initial"));  // read from the disk
    // Open, so read from the buffers: not cached, even where the buffer holds what the disk does.
    CHECK_FALSE(folder->load(source("0003_remove_order_note", kRemoveNote), "shop", "0003_remove_order_note"));
    CHECK_FALSE(folder->load(source("0002_order_note", edited), "shop", "0002_order_note"));
    CHECK_FALSE(folder->load(source("0002_order_note", kAddNote), "shop", "0002_order_note"));
    CHECK(check({"--cache-dir", cache_dir.string()}) == uncached);
  }
  SECTION("--no-cache writes nothing") {
    Session s(dir, {"--no-cache", "--cache-dir", cache_dir.string()});
    s.open(add, edited);
    CHECK(s.client.diagnostics(add).has_value());
    CHECK(s.finish() == 0);
    CHECK_FALSE(fs::exists(cache_dir));
  }
}
