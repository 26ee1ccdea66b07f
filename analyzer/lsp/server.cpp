#include "analyzer/lsp/server.h"

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "analyzer/discovery/discovery.h"
#include "analyzer/lsp/analysis_scheduler.h"
#include "analyzer/lsp/json_rpc.h"
#include "analyzer/lsp/protocol.h"
#include "analyzer/lsp/quick_fix.h"
#include "analyzer/lsp/text_document.h"
#include "analyzer/lsp/uri.h"
#include "rules/registry.h"

namespace godwit::lsp {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kContentModified = -32801;
// JSON nested deeper than this is refused before parsing (the parser's values are recursive).
constexpr int kMaxJsonDepth = 256;

// ---- input: a reader thread feeds an inbox that the main loop drains ----

struct Event {
  enum class Kind : uint8_t { Message, BadInput, End, Analysis };
  Kind kind = Kind::End;
  Json message;
  std::string problem;
  AnalysisBatch batch;
};

class Inbox {
 public:
  void push(Event event) {
    {
      const std::lock_guard lock(mutex_);
      events_.push_back(std::move(event));
    }
    ready_.notify_one();
  }

  // The next event; nullopt when `deadline` passes first.
  std::optional<Event> pop(std::optional<Clock::time_point> deadline) {
    std::unique_lock lock(mutex_);
    const auto ready = [&] { return !events_.empty(); };
    if (deadline) {
      if (!ready_.wait_until(lock, *deadline, ready)) return std::nullopt;
    } else {
      ready_.wait(lock, ready);
    }
    Event event = std::move(events_.front());
    events_.pop_front();
    return event;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Event> events_;
};

// Request ids named by `$/cancelRequest`, noted by the reader as soon as they arrive.
class CancelledIds {
 public:
  void add(const Json& id) {
    const std::lock_guard lock(mutex_);
    ids_.insert(id.dump());
  }
  // Whether `id` was cancelled; forgets it.
  bool take(const Json& id) {
    const std::lock_guard lock(mutex_);
    return ids_.erase(id.dump()) > 0;
  }

 private:
  std::mutex mutex_;
  std::set<std::string> ids_;
};

// The nesting depth of a JSON text (brackets outside strings).
int json_depth(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

void read_messages(int fd, const std::shared_ptr<Inbox>& inbox, const std::shared_ptr<CancelledIds>& cancelled) {
  MessageReader reader(fd);
  while (true) {
    Frame frame = reader.next();
    if (frame.kind == Frame::Kind::End) {
      inbox->push(Event{Event::Kind::End, {}, {}, {}});
      return;
    }
    if (frame.kind == Frame::Kind::Malformed) {
      inbox->push(Event{Event::Kind::BadInput, {}, std::move(frame.problem), {}});
      continue;
    }
    if (json_depth(frame.body) > kMaxJsonDepth) {
      inbox->push(Event{Event::Kind::BadInput, {}, "JSON nested more than 256 levels deep", {}});
      continue;
    }
    Json message;
    try {
      message = Json::parse(frame.body);
    } catch (const Json::exception& e) {
      inbox->push(Event{Event::Kind::BadInput, {}, std::string("invalid JSON: ") + e.what(), {}});
      continue;
    }
    bool exit = false;
    if (message.is_object()) {
      const auto method = message.find("method");
      if (method != message.end() && method->is_string()) {
        if (*method == "$/cancelRequest") {
          const auto params = message.find("params");
          if (params != message.end() && params->is_object() && params->contains("id"))
            cancelled->add(params->at("id"));
        }
        exit = *method == "exit";
      }
    }
    inbox->push(Event{Event::Kind::Message, std::move(message), {}, {}});
    if (exit) return;
  }
}

// ---- reading params ----

struct InvalidParams : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const Json& member(const Json& object, const char* key) {
  if (!object.is_object()) throw InvalidParams("expected an object with `" + std::string(key) + "`");
  const auto it = object.find(key);
  if (it == object.end()) throw InvalidParams("missing `" + std::string(key) + "`");
  return *it;
}

std::string string_member(const Json& object, const char* key) {
  const Json& value = member(object, key);
  if (!value.is_string()) throw InvalidParams("`" + std::string(key) + "` must be a string");
  return value.get<std::string>();
}

int64_t integer_member(const Json& object, const char* key) {
  const Json& value = member(object, key);
  if (!value.is_number_integer()) throw InvalidParams("`" + std::string(key) + "` must be an integer");
  return value.get<int64_t>();
}

uint32_t position_number(const Json& object, const char* key) {
  const int64_t value = integer_member(object, key);
  if (value < 0) throw InvalidParams("`" + std::string(key) + "` must not be negative");
  return static_cast<uint32_t>(std::min<int64_t>(value, UINT32_MAX));
}

LspPosition position_member(const Json& object, const char* key) {
  const Json& p = member(object, key);
  return LspPosition{position_number(p, "line"), position_number(p, "character")};
}

LspRange range_member(const Json& object, const char* key) {
  const Json& r = member(object, key);
  return LspRange{position_member(r, "start"), position_member(r, "end")};
}

// A boolean or a string list at a path of nested objects; absent or mistyped parts read as nothing.
const Json* find_path(const Json& root, std::initializer_list<const char*> keys) {
  const Json* at = &root;
  for (const char* key : keys) {
    if (!at->is_object()) return nullptr;
    const auto it = at->find(key);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

bool flag_at(const Json& root, std::initializer_list<const char*> keys) {
  const Json* value = find_path(root, keys);
  return value != nullptr && value->is_boolean() && value->get<bool>();
}

std::vector<std::string> strings_at(const Json& root, std::initializer_list<const char*> keys) {
  std::vector<std::string> out;
  const Json* value = find_path(root, keys);
  if (value == nullptr || !value->is_array()) return out;
  for (const Json& item : *value) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

bool is_config_file(const fs::path& path) {
  const std::string name = path.filename().string();
  return name == "pyproject.toml" || name == "godwit.toml";
}

// ---- the server ----

class Server {
 public:
  Server(const ServerOptions& options, int out_fd)
      : options_(options), writer_(out_fd), working_directory_(options.working_directory) {}

  int run(int in_fd) {
    std::thread reader(read_messages, in_fd, inbox_, cancelled_);
    while (!exit_) {
      std::optional<Event> event = inbox_->pop(next_deadline());
      if (!event) {
        expire_pending();
        continue;
      }
      switch (event->kind) {
        case Event::Kind::Message: handle(event->message); break;
        case Event::Kind::BadInput: writer_.write(make_error(nullptr, ErrorCode::ParseError, event->problem)); break;
        case Event::Kind::End:
          exit_ = true;
          reader_done_ = true;
          break;
        case Event::Kind::Analysis: on_analysis(std::move(event->batch)); break;
      }
      if (writer_.broken()) exit_ = true;
    }
    // The reader stops by itself after `exit` and at the end of the input; when the client stops
    // reading our output instead, it may still be waiting for input: let it go.
    if (reader_done_) {
      reader.join();
    } else {
      reader.detach();
    }
    const int code = shutdown_ && exit_requested_ ? 0 : 1;
    // An analysis that does not stop (a pathological file) must not keep the process alive, nor
    // run on while the process tears down what it uses: leave at once (every message is written
    // straight to the descriptor, nothing is buffered).
    stop_analysis();
    if (analysis_abandoned_) std::_Exit(code);
    return code;
  }

 private:
  enum class Query : uint8_t { Hover, CodeAction };

  // A request that needs the analysis of the document's current text.
  struct Pending {
    Json id;
    Query query = Query::Hover;
    std::string uri;
    uint64_t revision = 0;
    LspRange range;  // Hover: start == end, the position
    bool quickfix_wanted = true;
    Clock::time_point deadline;
  };

  void handle(const Json& message) {
    std::variant<Incoming, Json> classified = classify(message);
    if (Json* error = std::get_if<Json>(&classified)) {
      writer_.write(*error);
      return;
    }
    const Incoming& in = std::get<Incoming>(classified);
    if (in.kind == Incoming::Kind::Response) return;  // to our registration request
    if (in.kind == Incoming::Kind::Notification) {
      try {
        notification(in);
      } catch (const std::exception& e) {
        log("ignored `" + in.method + "`: " + e.what());
      }
      return;
    }
    if (in.id.is_null()) {
      writer_.write(make_error(nullptr, ErrorCode::InvalidRequest, "a request needs an `id`"));
      return;
    }
    if (cancelled_->take(in.id)) {
      writer_.write(make_error(in.id, ErrorCode::RequestCancelled, "cancelled"));
      return;
    }
    try {
      request(in);
    } catch (const InvalidParams& e) {
      writer_.write(make_error(in.id, ErrorCode::InvalidParams, e.what()));
    } catch (const Json::exception& e) {
      writer_.write(make_error(in.id, ErrorCode::InvalidParams, e.what()));
    } catch (const std::exception& e) {
      writer_.write(make_error(in.id, ErrorCode::InternalError, e.what()));
    }
  }

  void request(const Incoming& in) {
    if (in.method == "initialize") {
      if (initialized_) {
        writer_.write(make_error(in.id, ErrorCode::InvalidRequest, "the server is already initialized"));
        return;
      }
      writer_.write(make_response(in.id, initialize(in.params)));
      return;
    }
    if (!initialized_) {
      writer_.write(make_error(in.id, ErrorCode::ServerNotInitialized, "the server is not initialized yet"));
      return;
    }
    if (shutdown_) {
      writer_.write(make_error(in.id, ErrorCode::InvalidRequest, "the server is shutting down"));
      return;
    }
    if (in.method == "shutdown") {
      shutdown_ = true;
      for (const Pending& p : std::exchange(pending_, {})) {
        writer_.write(make_error(p.id, ErrorCode::RequestFailed, "the server is shutting down"));
      }
      stop_analysis();
      writer_.write(make_response(in.id, nullptr));
      return;
    }
    if (in.method == "textDocument/hover") {
      Pending p{in.id, Query::Hover, string_member(member(in.params, "textDocument"), "uri"), 0, {}, true, {}};
      const LspPosition position = position_member(in.params, "position");
      p.range = LspRange{position, position};
      query(std::move(p));
      return;
    }
    if (in.method == "textDocument/codeAction") {
      Pending p{in.id,
                Query::CodeAction,
                string_member(member(in.params, "textDocument"), "uri"),
                0,
                range_member(in.params, "range"),
                true,
                {}};
      const std::vector<std::string> only = strings_at(in.params, {"context", "only"});
      const Json* only_value = find_path(in.params, {"context", "only"});
      if (only_value != nullptr && only_value->is_array()) {
        p.quickfix_wanted = std::find(only.begin(), only.end(), "quickfix") != only.end();
      }
      query(std::move(p));
      return;
    }
    writer_.write(make_error(in.id, ErrorCode::MethodNotFound, "godwit does not handle `" + in.method + "`"));
  }

  void notification(const Incoming& in) {
    if (in.method == "exit") {
      exit_ = true;
      exit_requested_ = true;
      reader_done_ = true;
      return;
    }
    if (!initialized_ || shutdown_) return;
    if (in.method == "initialized") {
      register_file_watchers();
    } else if (in.method == "textDocument/didOpen") {
      did_open(in.params);
    } else if (in.method == "textDocument/didChange") {
      did_change(in.params);
    } else if (in.method == "textDocument/didClose") {
      did_close(in.params);
    } else if (in.method == "textDocument/didSave") {
      did_save(in.params);
    } else if (in.method == "workspace/didChangeWatchedFiles") {
      watched_files_changed(in.params);
    } else if (in.method == "$/cancelRequest") {
      cancel(in.params);
    }
    // Every other notification ($/setTrace, workspace/didChangeConfiguration, ...) has nothing
    // for godwit to do.
  }

  // ---- lifecycle ----

  Json initialize(const Json& params) {
    if (!params.is_null() && !params.is_object()) throw InvalidParams("`params` must be an object");
    const Json& caps =
        params.is_object() && params.contains("capabilities") ? params.at("capabilities") : Json::object();
    const std::vector<std::string> encodings = strings_at(caps, {"general", "positionEncodings"});
    std::string encoding = "utf-16";
    for (const std::string& e : encodings) {
      if (e == "utf-16" || e == "utf-8" || e == "utf-32") {
        encoding = e;
        break;
      }
    }
    unit_ = encoding == "utf-8"    ? source::ColumnUnit::Byte
            : encoding == "utf-32" ? source::ColumnUnit::CodePoint
                                   : source::ColumnUnit::Utf16;
    document_changes_ = flag_at(caps, {"workspace", "workspaceEdit", "documentChanges"});
    const std::vector<std::string> formats = strings_at(caps, {"textDocument", "hover", "contentFormat"});
    markdown_ = formats.empty() || std::find(formats.begin(), formats.end(), "markdown") != formats.end();
    watch_files_ = flag_at(caps, {"workspace", "didChangeWatchedFiles", "dynamicRegistration"});

    // The workspace: its first folder, else rootUri, else rootPath.
    std::optional<fs::path> root;
    if (const Json* folders = find_path(params, {"workspaceFolders"}); folders != nullptr && folders->is_array()) {
      for (const Json& folder : *folders) {
        const Json* uri = find_path(folder, {"uri"});
        if (uri != nullptr && uri->is_string() && (root = path_from_uri(uri->get<std::string>()))) break;
      }
    }
    if (const Json* uri = find_path(params, {"rootUri"}); !root && uri != nullptr && uri->is_string()) {
      root = path_from_uri(uri->get<std::string>());
    }
    if (const Json* path = find_path(params, {"rootPath"}); !root && path != nullptr && path->is_string()) {
      root = fs::path(path->get<std::string>()).lexically_normal();
    }
    if (root && root->is_absolute()) working_directory_ = *root;

    SchedulerSettings settings{working_directory_, options_.debounce, options_.config,
                               options_.threads,   options_.cache,    options_.cache_dir};
    scheduler_ = std::make_unique<AnalysisScheduler>(std::move(settings), [inbox = inbox_](AnalysisBatch batch) {
      inbox->push(Event{Event::Kind::Analysis, {}, {}, std::move(batch)});
    });
    initialized_ = true;

    Json capabilities{
        {"positionEncoding", encoding},
        {"textDocumentSync", {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}}},
        {"hoverProvider", true},
        {"codeActionProvider", {{"codeActionKinds", Json::array({"quickfix"})}, {"resolveProvider", false}}},
    };
    return Json{{"capabilities", std::move(capabilities)},
                {"serverInfo", {{"name", "godwit"}, {"version", GODWIT_VERSION}}}};
  }

  void register_file_watchers() {
    if (!watch_files_) return;
    std::vector<std::string> problems;
    const config::Config config = options_.config({}, working_directory_, problems);
    Json watchers = Json::array({Json{{"globPattern", "**/pyproject.toml"}}, Json{{"globPattern", "**/godwit.toml"}}});
    for (const std::string& dir : config.migrations_dirs)
      watchers.push_back(Json{{"globPattern", "**/" + dir + "/*.py"}});
    writer_.write(make_request(
        "godwit-watch-" + std::to_string(++requests_sent_), "client/registerCapability",
        {{"registrations", Json::array({Json{{"id", "godwit-watched-files"},
                                             {"method", "workspace/didChangeWatchedFiles"},
                                             {"registerOptions", {{"watchers", std::move(watchers)}}}}})}}));
  }

  // ---- documents ----

  DocumentSnapshot snapshot(const TextDocument& doc) const {
    return DocumentSnapshot{doc.uri(), *doc.path(), doc.revision(), doc.version(), doc.text(), doc.history()};
  }

  void did_open(const Json& params) {
    const Json& item = member(params, "textDocument");
    const std::string uri = string_member(item, "uri");
    const std::optional<fs::path> path = path_from_uri(uri);
    const std::string display = path ? discovery::display_path(*path, working_directory_) : uri;
    forget(uri);
    const auto [it, inserted] = documents_.insert_or_assign(
        uri,
        TextDocument(uri, path, display, integer_member(item, "version"), string_member(item, "text"), ++revisions_));
    if (path) scheduler_->update(snapshot(it->second));
  }

  void did_change(const Json& params) {
    const Json& id = member(params, "textDocument");
    const std::string uri = string_member(id, "uri");
    const auto it = documents_.find(uri);
    if (it == documents_.end()) throw InvalidParams("`" + uri + "` is not open");
    const Json& events = member(params, "contentChanges");
    if (!events.is_array()) throw InvalidParams("`contentChanges` must be an array");
    std::vector<ContentChange> changes;
    for (const Json& event : events) {
      ContentChange change;
      change.text = string_member(event, "text");
      if (event.contains("range")) change.range = range_member(event, "range");
      changes.push_back(std::move(change));
    }
    it->second.apply(integer_member(id, "version"), changes, unit_, ++revisions_);
    answer_pending(uri);  // the requests about the text before are now about the wrong text
    if (it->second.path()) scheduler_->update(snapshot(it->second));
  }

  void did_close(const Json& params) {
    const std::string uri = string_member(member(params, "textDocument"), "uri");
    const auto it = documents_.find(uri);
    if (it == documents_.end()) return;
    const bool analyzed = it->second.path().has_value();
    forget(uri);
    if (analyzed) {
      scheduler_->close(uri);
      writer_.write(
          make_notification("textDocument/publishDiagnostics", {{"uri", uri}, {"diagnostics", Json::array()}}));
    }
  }

  // Drops what the server knows about a document; answers the requests waiting for it.
  void forget(const std::string& uri) {
    documents_.erase(uri);
    analyses_.erase(uri);
    published_.erase(uri);
    answer_pending(uri);
  }

  void did_save(const Json& params) {
    const std::optional<fs::path> path = path_from_uri(string_member(member(params, "textDocument"), "uri"));
    if (!path) return;
    if (is_config_file(*path)) {
      scheduler_->reanalyze_all();
    } else {
      scheduler_->files_changed({*path});
    }
  }

  void watched_files_changed(const Json& params) {
    const Json& changes = member(params, "changes");
    if (!changes.is_array()) throw InvalidParams("`changes` must be an array");
    std::vector<fs::path> paths;
    for (const Json& change : changes) {
      const std::optional<fs::path> path = path_from_uri(string_member(change, "uri"));
      if (!path) continue;
      if (is_config_file(*path)) {
        scheduler_->reanalyze_all();
        return;
      }
      paths.push_back(*path);
    }
    if (!paths.empty()) scheduler_->files_changed(paths);
  }

  // ---- analysis results ----

  void on_analysis(AnalysisBatch batch) {
    for (std::shared_ptr<const DocumentAnalysis>& analysis : batch.documents) {
      const auto doc = documents_.find(analysis->uri);
      // A result for a text that has changed since: a newer analysis is on its way.
      if (doc == documents_.end() || doc->second.revision() != analysis->revision) continue;
      const std::string uri = analysis->uri;
      analyses_[uri] = std::move(analysis);
      publish(*analyses_[uri]);
      answer_pending(uri);
    }
    for (const std::string& problem : batch.problems) {
      if (!shown_problems_.insert(problem).second) continue;
      writer_.write(make_notification("window/showMessage", {{"type", 2}, {"message", "godwit: " + problem}}));
    }
  }

  void publish(const DocumentAnalysis& analysis) {
    if (!analysis.migration) return;
    Json diagnostics = Json::array();
    for (const diagnostics::Diagnostic& d : analysis.diagnostics) {
      diagnostics.push_back(
          to_lsp(d, unit_, options_.docs_url, [this](const std::string& display) { return uri_of(display); }));
    }
    const auto last = published_.find(analysis.uri);
    if (last != published_.end() && last->second == diagnostics) return;
    published_[analysis.uri] = diagnostics;
    writer_.write(make_notification(
        "textDocument/publishDiagnostics",
        {{"uri", analysis.uri}, {"version", analysis.version}, {"diagnostics", std::move(diagnostics)}}));
  }

  // The URI of a file a diagnostic names: the client's own URI when the file is open.
  std::string uri_of(const std::string& display) const {
    const fs::path path = fs::path(display).is_absolute() ? fs::path(display).lexically_normal()
                                                          : (working_directory_ / display).lexically_normal();
    for (const auto& [uri, doc] : documents_) {
      if (doc.path() && *doc.path() == path) return uri;
    }
    return uri_from_path(path);
  }

  // ---- requests that need the analysis ----

  void query(Pending p) {
    const auto doc = documents_.find(p.uri);
    if (doc == documents_.end() || !doc->second.path()) {
      writer_.write(make_response(p.id, empty_result(p.query)));
      return;
    }
    p.revision = doc->second.revision();
    p.deadline = Clock::now() + options_.request_timeout;
    if (!try_answer(p)) pending_.push_back(std::move(p));
  }

  static Json empty_result(Query query) { return query == Query::Hover ? Json(nullptr) : Json::array(); }

  // Answers `p` if its document's analysis is there (or will never be); false to keep waiting.
  bool try_answer(const Pending& p) {
    const auto doc = documents_.find(p.uri);
    if (doc == documents_.end()) {
      writer_.write(make_response(p.id, empty_result(p.query)));
      return true;
    }
    if (doc->second.revision() != p.revision) {
      writer_.write(make_error(p.id, static_cast<ErrorCode>(kContentModified), "the document changed"));
      return true;
    }
    const auto analysis = analyses_.find(p.uri);
    if (analysis == analyses_.end() || analysis->second->revision != p.revision) return false;
    const DocumentAnalysis& a = *analysis->second;
    writer_.write(make_response(p.id, p.query == Query::Hover ? hover(a, p) : code_actions(a, p)));
    return true;
  }

  void answer_pending(const std::string& uri) {
    std::erase_if(pending_, [&](const Pending& p) { return p.uri == uri && try_answer(p); });
  }

  void cancel(const Json& params) {
    const Json& id = member(params, "id");
    const auto it = std::find_if(pending_.begin(), pending_.end(), [&](const Pending& p) { return p.id == id; });
    if (it == pending_.end()) return;  // answered already, or refused as cancelled on arrival
    cancelled_->take(id);
    writer_.write(make_error(it->id, ErrorCode::RequestCancelled, "cancelled"));
    pending_.erase(it);
  }

  std::optional<Clock::time_point> next_deadline() const {
    std::optional<Clock::time_point> next;
    for (const Pending& p : pending_) next = std::min(next.value_or(p.deadline), p.deadline);
    return next;
  }

  void expire_pending() {
    const Clock::time_point now = Clock::now();
    std::erase_if(pending_, [&](const Pending& p) {
      if (p.deadline > now) return false;
      writer_.write(
          make_error(p.id, ErrorCode::RequestFailed, "godwit's analysis of this document did not finish in time"));
      return true;
    });
  }

  // The findings whose range meets [begin, end].
  static std::vector<const diagnostics::Diagnostic*> findings_in(const DocumentAnalysis& a, uint32_t begin,
                                                                 uint32_t end) {
    std::vector<const diagnostics::Diagnostic*> out;
    for (const diagnostics::Diagnostic& d : a.diagnostics) {
      if (d.range.begin <= end && begin <= d.range.end) out.push_back(&d);
    }
    return out;
  }

  Json hover(const DocumentAnalysis& a, const Pending& p) const {
    if (!a.migration) return nullptr;
    const source::SourceFile& file = a.migration->file();
    const uint32_t at = to_offset(file, p.range.start, unit_);
    const std::vector<const diagnostics::Diagnostic*> findings = findings_in(a, at, at);
    if (findings.empty()) return nullptr;
    return Json{
        {"contents",
         {{"kind", markdown_ ? "markdown" : "plaintext"}, {"value", hover_markdown(findings, rules::all_rules())}}},
        {"range", to_json(to_lsp(file, findings.front()->range, unit_))}};
  }

  Json code_actions(const DocumentAnalysis& a, const Pending& p) const {
    Json actions = Json::array();
    if (!a.migration || !p.quickfix_wanted) return actions;
    const source::SourceFile& file = a.migration->file();
    const uint32_t begin = to_offset(file, p.range.start, unit_);
    const uint32_t end = std::max(begin, to_offset(file, p.range.end, unit_));
    const auto uri_for = [this](const std::string& display) { return uri_of(display); };
    for (const diagnostics::Diagnostic* d : findings_in(a, begin, end)) {
      for (const QuickFix& fix : quick_fixes(*d, *a.migration)) {
        actions.push_back(Json{{"title", fix.title},
                               {"kind", "quickfix"},
                               {"diagnostics", Json::array({to_lsp(*d, unit_, options_.docs_url, uri_for)})},
                               {"isPreferred", fix.preferred},
                               {"edit", to_workspace_edit(fix, file, unit_, p.uri, a.version, document_changes_)}});
      }
    }
    return actions;
  }

  void stop_analysis() {
    if (scheduler_ && !scheduler_->stop(std::chrono::seconds(2))) analysis_abandoned_ = true;
  }

  void log(const std::string& message) {
    writer_.write(make_notification("window/logMessage", {{"type", 3}, {"message", "godwit: " + message}}));
  }

  const ServerOptions& options_;
  MessageWriter writer_;
  std::shared_ptr<Inbox> inbox_ = std::make_shared<Inbox>();
  std::shared_ptr<CancelledIds> cancelled_ = std::make_shared<CancelledIds>();
  std::unique_ptr<AnalysisScheduler> scheduler_;
  fs::path working_directory_;

  std::map<std::string, TextDocument> documents_;  // by URI
  std::map<std::string, std::shared_ptr<const DocumentAnalysis>> analyses_;
  std::map<std::string, Json> published_;
  std::vector<Pending> pending_;
  std::set<std::string> shown_problems_;
  uint64_t revisions_ = 0;
  uint64_t requests_sent_ = 0;

  source::ColumnUnit unit_ = source::ColumnUnit::Utf16;
  bool document_changes_ = false;
  bool markdown_ = true;
  bool watch_files_ = false;
  bool initialized_ = false;
  bool shutdown_ = false;
  bool exit_ = false;
  bool exit_requested_ = false;
  bool reader_done_ = false;
  bool analysis_abandoned_ = false;  // the worker did not stop in time
};

}  // namespace

int run_server(const ServerOptions& options, int in_fd, int out_fd) {
  // A client that goes away must not kill the server in the middle of a write.
  std::signal(SIGPIPE, SIG_IGN);
  Server server(options, out_fd);
  return server.run(in_fd);
}

}  // namespace godwit::lsp
