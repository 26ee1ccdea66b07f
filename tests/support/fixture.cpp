#include "tests/support/fixture.h"

#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "analyzer/driver/analysis.h"
#include "analyzer/driver/project_loader.h"
#include "tests/support/temp_dir.h"

namespace godwit::test {

namespace fs = std::filesystem;

namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') {
      lines.push_back(text.substr(start, i - start));
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

std::string slurp(const fs::path& path) {
  std::string text;
  std::string error;
  if (!driver::read_file(path, text, error)) throw std::runtime_error(path.string() + ": " + error);
  return text;
}

}  // namespace

std::vector<Expectation> parse_expectations(const std::string& display_path, std::string_view text) {
  static const std::regex kItem(R"re(\[([A-Z]{2}[0-9]{3})(?::([0-9]+))?\](?:\s*"((?:[^"\\]|\\.)*)")?)re");
  std::vector<Expectation> out;
  std::vector<Expectation> pending;  // own-line expectations waiting for their line
  const auto lines = split_lines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    const auto at = line.find("# expect:");
    const uint32_t number = static_cast<uint32_t>(i + 1);
    if (at == std::string_view::npos) {
      if (!pending.empty() && line.find_first_not_of(" \t") != std::string_view::npos) {
        for (auto& e : pending) {
          e.line = number;
          out.push_back(std::move(e));
        }
        pending.clear();
      }
      continue;
    }
    const bool own_line = line.substr(0, at).find_first_not_of(" \t") == std::string_view::npos;
    const std::string items(line.substr(at + 9));
    for (auto it = std::sregex_iterator(items.begin(), items.end(), kItem); it != std::sregex_iterator(); ++it) {
      Expectation e;
      e.path = display_path;
      e.code = (*it)[1];
      if ((*it)[2].matched) e.column = static_cast<uint32_t>(std::stoul((*it)[2]));
      e.substring = (*it)[3];
      e.line = number;
      (own_line ? pending : out).push_back(std::move(e));
    }
  }
  if (!pending.empty()) throw std::runtime_error(display_path + ": an own-line `# expect:` has no line after it");
  return out;
}

void apply_header(std::string_view text, config::Config& config) {
  const auto at = text.find("# godwit-test:");
  if (at == std::string_view::npos) return;
  const auto end = text.find_first_of("\r\n", at);
  std::istringstream words(std::string(text.substr(at + 14, end - at - 14)));
  std::string word;
  auto list = [](const std::string& value) {
    std::vector<std::string> out;
    std::stringstream ss(value);
    std::string item;
    while (std::getline(ss, item, ',')) out.push_back(item);
    return out;
  };
  while (words >> word) {
    const auto eq = word.find('=');
    if (eq == std::string::npos) throw std::runtime_error("godwit-test header: expected key=value, got " + word);
    const std::string key = word.substr(0, eq);
    const std::string value = word.substr(eq + 1);
    if (key == "select") {
      config.select = list(value);
    } else if (key == "extend-select") {
      config.extend_select = list(value);
    } else if (key == "severity") {
      // severity=RV006:warning,RV001:info
      for (const std::string& item : list(value)) {
        const auto colon = item.find(':');
        const auto level =
            colon == std::string::npos ? std::nullopt : diagnostics::severity_from_string(item.substr(colon + 1));
        if (!level) throw std::runtime_error("godwit-test header: expected severity=RULE:LEVEL, got " + item);
        config.severity[item.substr(0, colon)] = *level;
      }
    } else if (key == "apps") {
      config.apps = list(value);
    } else if (key == "exclude-apps") {
      config.exclude_apps = list(value);
    } else if (key == "exclude") {
      config.exclude = list(value);
    } else if (key == "ignore") {
      config.ignore = list(value);
    } else if (key == "database") {
      const auto db = config::database_from_string(value);
      if (!db) throw std::runtime_error("godwit-test header: bad database " + value);
      config.database = *db;
    } else if (key == "django") {
      const auto v = config::DjangoVersion::parse(value);
      if (!v) throw std::runtime_error("godwit-test header: bad django version " + value);
      config.django_version = *v;
    } else if (key == "deploy-order") {
      const auto order = config::deploy_order_from_string(value);
      if (!order) throw std::runtime_error("godwit-test header: bad deploy-order " + value);
      config.deploy_order = *order;
    } else if (key == "migrations-dir") {
      config.migrations_dirs = list(value);
    } else if (key == "app" || key == "release") {
      // used by the runner to place a single-file fixture
    } else if (key == "require-suppression-reason") {
      if (value != "true" && value != "false") {
        throw std::runtime_error("godwit-test header: require-suppression-reason is true or false, got " + value);
      }
      config.require_suppression_reason = value == "true";
    } else {
      throw std::runtime_error("godwit-test header: unknown key " + key);
    }
  }
}

std::string describe(const diagnostics::Diagnostic& d) {
  const source::Position at = d.file->position(d.range.begin);
  return d.path() + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": [" + d.code.str() + "] " +
         d.message;
}

namespace {

// A single-file fixture is one migration of an app: the header's `app=`, else the app of its
// first dependency, else "app".
std::string fixture_app(std::string_view text) {
  static const std::regex kApp(R"re(#\s*godwit-test:.*\bapp=([A-Za-z_][A-Za-z0-9_]*))re");
  static const std::regex kDependency(R"re(dependencies\s*=\s*\[\s*\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["'])re");
  std::match_results<std::string_view::const_iterator> m;
  if (std::regex_search(text.begin(), text.end(), m, kApp)) return m[1];
  if (std::regex_search(text.begin(), text.end(), m, kDependency)) return m[1];
  return "app";
}

// The header's `release=app.migration,...`: the migrations new in the release (as --diff-base
// would find them).
std::vector<std::string> release_of(const std::vector<fs::path>& files) {
  static const std::regex kRelease(R"re(#\s*godwit-test:.*\brelease=([^\s]+))re");
  for (const fs::path& file : files) {
    const std::string text = slurp(file);
    std::smatch m;
    if (std::regex_search(text, m, kRelease)) {
      std::vector<std::string> out;
      std::stringstream ss(m[1].str());
      std::string item;
      while (std::getline(ss, item, ',')) out.push_back(item);
      return out;
    }
  }
  return {};
}

}  // namespace

FixtureResult run_fixture(const fs::path& root) {
  FixtureResult result;
  config::Config config;
  std::vector<fs::path> files;
  fs::path base;
  std::unique_ptr<TempDir> project;
  std::map<std::string, std::string> display;  // path godwit reports -> path in the fixture tree
  if (fs::is_directory(root)) {
    base = root;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.is_regular_file() && entry.path().extension() == ".py") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      const std::string rel = f.lexically_relative(base).generic_string();
      display[rel] = rel;
    }
    // A case folder is a project: every migrations folder in it is found as `godwit check` would.
    config.migrations_dirs.emplace_back("migrations");
  } else {
    const std::string text = slurp(root);
    project = std::make_unique<TempDir>();
    base = project->path();
    // Migration modules are numbered (discovery skips folders without any numbered module).
    std::string name = root.filename().string();
    const bool numbered = name.size() > 5 && std::all_of(name.begin(), name.begin() + 4, [](char c) { return c >= '0' && c <= '9'; });
    if (!numbered) name = "0002_" + name;
    const std::string rel = fixture_app(text) + "/migrations/" + name;
    project->write(rel, text);
    display[rel] = root.filename().string();
    files.push_back(root);
  }
  config.root = base;
  std::vector<Expectation> expectations;
  bool header_seen = false;
  for (const fs::path& file : files) {
    const std::string text = slurp(file);
    if (!header_seen && text.find("# godwit-test:") != std::string::npos) {
      apply_header(text, config);
      header_seen = true;
    }
    const std::string rel = fs::is_directory(root) ? file.lexically_relative(root).generic_string()
                                                    : root.filename().string();
    auto found = parse_expectations(rel, text);
    expectations.insert(expectations.end(), found.begin(), found.end());
  }
  driver::AnalysisOptions options;
  options.paths = {fs::path(".")};
  options.threads = 1;
  options.release = release_of(files);
  const driver::Analysis analysis = driver::analyze(options, config, base);
  for (const auto& e : analysis.config_errors) result.failures.push_back("configuration: " + e);
  for (const auto& e : analysis.errors) result.failures.push_back("I/O: " + e.path + ": " + e.message);
  result.diagnostics = analysis.diagnostics.size();
  for (const auto& d : analysis.diagnostics) {
    const source::Position at = d.file->position(d.range.begin);
    const auto shown = display.find(d.path());
    const std::string path = shown != display.end() ? shown->second : d.path();
    bool claimed = false;
    for (auto& e : expectations) {
      if (e.matched || e.path != path || e.line != at.line || e.code != d.code.str()) continue;
      if (e.column != 0 && e.column != at.column) continue;
      if (!e.substring.empty() && d.message.find(e.substring) == std::string::npos) continue;
      e.matched = true;
      claimed = true;
      break;
    }
    if (!claimed) result.failures.push_back("unexpected diagnostic " + path + ":" + std::to_string(at.line) + ":" +
                                            std::to_string(at.column) + ": [" + d.code.str() + "] " + d.message);
  }
  for (const auto& e : expectations) {
    if (!e.matched) {
      result.failures.push_back("expected [" + e.code + "] \"" + e.substring + "\" at " + e.path + ":" +
                                std::to_string(e.line) + (e.column != 0 ? ":" + std::to_string(e.column) : "") +
                                ", got nothing matching");
    }
  }
  return result;
}

std::vector<diagnostics::Diagnostic> run_example(std::string_view example, std::string_view settings,
                                                 const fs::path& dir) {
  // Without `# file:` markers the example is one migration of an app named `app`.
  std::string current = "app/migrations/0002_example.py";
  std::string buffer;
  std::vector<std::pair<std::string, std::string>> files;
  for (const std::string_view line : split_lines(example)) {
    if (line.starts_with("# file: ")) {
      if (!buffer.empty()) files.emplace_back(current, buffer);
      buffer.clear();
      current = std::string(line.substr(8));
      continue;
    }
    buffer += line;
    buffer += '\n';
  }
  if (!buffer.empty()) files.emplace_back(current, buffer);
  for (const auto& [path, text] : files) {
    fs::create_directories((dir / path).parent_path());
    std::ofstream(dir / path, std::ios::binary) << text;
  }
  config::Config config;
  config.root = dir;
  apply_header("# godwit-test: " + std::string(settings), config);
  driver::AnalysisOptions options;
  options.paths = {fs::path(".")};
  options.threads = 1;
  driver::Analysis analysis = driver::analyze(options, config, dir);
  if (!analysis.errors.empty() || !analysis.config_errors.empty()) {
    throw std::runtime_error("example could not be analyzed");
  }
  return std::move(analysis.diagnostics);
}

}  // namespace godwit::test
