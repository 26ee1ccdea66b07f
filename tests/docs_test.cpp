// The documentation users install and configure godwit from must match the code: the README's
// configuration reference, the man page's options, and the pre-commit hook the README pastes.
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "analyzer/config/config_loader.h"
#include "analyzer/driver/subprocess.h"

namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string between(const std::string& text, const std::string& begin, const std::string& end) {
  const auto b = text.find(begin);
  const auto e = text.find(end);
  REQUIRE(b != std::string::npos);
  REQUIRE(e != std::string::npos);
  return text.substr(b + begin.size(), e - b - begin.size());
}

}  // namespace

TEST_CASE("the README's configuration reference lists exactly the keys the loader reads", "[docs]") {
  const std::string readme = read(fs::path(GODWIT_SOURCE_DIR) / "README.md");
  const std::string table = between(readme, "<!-- config-keys:begin -->", "<!-- config-keys:end -->");
  static const std::regex kRow(R"re(\n\| `([a-z-]+)` \| `([^`]+)` \|)re");
  std::map<std::string, std::string> documented;
  for (auto it = std::sregex_iterator(table.begin(), table.end(), kRow); it != std::sregex_iterator(); ++it) {
    documented[(*it)[1]] = (*it)[2];
  }
  std::set<std::string> keys;
  for (const auto& key : godwit::config::config_keys()) {
    INFO("key " << key.key);
    keys.insert(std::string(key.key));
    REQUIRE(documented.contains(std::string(key.key)));
    CHECK(documented.at(std::string(key.key)) == key.flag);
  }
  for (const auto& [key, flag] : documented) {
    INFO("README documents `" << key << "`, which the loader does not read");
    CHECK(keys.contains(key));
  }
}

TEST_CASE("the man page documents every option of every command", "[docs]") {
  std::string man = read(fs::path(GODWIT_SOURCE_DIR) / "docs" / "godwit.1");
  // troff writes `-` as `\-`.
  man = std::regex_replace(man, std::regex(R"(\\-)"), "-");
  static const std::regex kOption(R"((?:^|[ ,])(--[a-z][a-z-]*|-[a-z])\b)");
  for (const char* command : {"check", "config", "state", "graph", "rule", "rules"}) {
    const auto help = godwit::driver::run_process({GODWIT_BINARY, command, "--help"});
    REQUIRE(help.exit_code == 0);
    CHECK(man.find(std::string(".B godwit ") + command) != std::string::npos);
    std::set<std::string> options;
    for (auto it = std::sregex_iterator(help.out.begin(), help.out.end(), kOption); it != std::sregex_iterator();
         ++it) {
      options.insert((*it)[1]);
    }
    CHECK(options.size() > 1);
    for (const std::string& option : options) {
      INFO("`godwit " << command << " " << option << "` is not in docs/godwit.1");
      CHECK(man.find(option) != std::string::npos);
    }
  }
}

TEST_CASE("the README's pre-commit block is the hook .pre-commit-hooks.yaml defines", "[docs]") {
  const std::string readme = read(fs::path(GODWIT_SOURCE_DIR) / "README.md");
  const std::string block = between(readme, "<!-- pre-commit-local:begin -->", "<!-- pre-commit-local:end -->");
  const std::string manifest = read(fs::path(GODWIT_SOURCE_DIR) / ".pre-commit-hooks.yaml");
  for (const char* line : {"id: godwit", "entry: godwit check", "language: system",
                           R"(files: (^|/)migrations/[^/]+\.py$)", "require_serial: true"}) {
    INFO(line);
    CHECK(block.find(line) != std::string::npos);
    CHECK(manifest.find(line) != std::string::npos);
  }
}

TEST_CASE("CI runs exactly the README's second command", "[docs]") {
  const std::string readme = read(fs::path(GODWIT_SOURCE_DIR) / "README.md");
  const std::string marker = "\n# 2. ";
  const auto comment = readme.find(marker);
  REQUIRE(comment != std::string::npos);
  const auto begin = readme.find('\n', comment + 1) + 1;
  const std::string command = readme.substr(begin, readme.find('\n', begin) - begin);
  REQUIRE(command.starts_with("apt-get update && "));

  const std::string script = read(fs::path(GODWIT_SOURCE_DIR) / ".ci" / "run");
  REQUIRE(script.ends_with("\n"));
  const std::string body = script.substr(0, script.size() - 1);
  const std::string last_line = body.substr(body.rfind('\n') + 1);
  CHECK(last_line == command);
  // It builds and runs the sanitizer pass too.
  CHECK(command.find("-DGODWIT_SANITIZE=address,undefined") != std::string::npos);
}
