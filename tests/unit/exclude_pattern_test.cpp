// gitignore-style `exclude` globs, matched as git matches .gitignore patterns.
#include "analyzer/config/exclude_pattern.h"

#include <catch2/catch.hpp>

namespace {

using godwit::config::ExcludePattern;
using godwit::config::ExcludeSet;

bool matches(std::string_view pattern, std::string_view path, bool directory = false) {
  std::string error;
  const auto p = ExcludePattern::parse(pattern, error);
  REQUIRE(p);
  return p->matches(path, directory);
}

std::string error_of(std::string_view pattern) {
  std::string error;
  CHECK(!ExcludePattern::parse(pattern, error));
  return error;
}

}  // namespace

TEST_CASE("a pattern without a slash matches a name at any depth", "[unit]") {
  CHECK(matches("0001_initial.py", "shop/migrations/0001_initial.py"));
  CHECK(matches("*.py", "shop/migrations/0001_initial.py"));
  CHECK(matches("legacy", "apps/legacy", true));
  CHECK(matches("00??_*.py", "shop/migrations/0012_backfill.py"));
  CHECK_FALSE(matches("00??_*.py", "shop/migrations/012_backfill.py"));
  CHECK_FALSE(matches("*.py", "shop/migrations/README"));
}

TEST_CASE("a slash anchors the pattern to the root; * and ? never cross a slash", "[unit]") {
  CHECK(matches("/shop", "shop", true));
  CHECK_FALSE(matches("/shop", "apps/shop", true));
  CHECK(matches("shop/migrations/0001_*.py", "shop/migrations/0001_initial.py"));
  CHECK_FALSE(matches("shop/migrations/0001_*.py", "vendor/shop/migrations/0001_initial.py"));
  CHECK_FALSE(matches("shop/*.py", "shop/migrations/0001_initial.py"));
  CHECK_FALSE(matches("shop?migrations", "shop/migrations", true));
}

TEST_CASE("** spans directories", "[unit]") {
  CHECK(matches("**/migrations/0001_*.py", "shop/migrations/0001_initial.py"));
  CHECK(matches("**/migrations/0001_*.py", "a/b/c/migrations/0001_initial.py"));
  CHECK(matches("**/migrations", "migrations", true));
  CHECK(matches("vendor/**", "vendor/django_extras/migrations/0001_initial.py"));
  CHECK_FALSE(matches("vendor/**", "vendor", true));
  CHECK(matches("apps/**/0001_initial.py", "apps/0001_initial.py"));
  CHECK(matches("apps/**/0001_initial.py", "apps/shop/migrations/0001_initial.py"));
  CHECK_FALSE(matches("apps/**/0001_initial.py", "other/shop/migrations/0001_initial.py"));
  // `**` inside a segment is an ordinary `*`.
  CHECK(matches("/sh**p", "shop", true));
  CHECK_FALSE(matches("/a**z", "a/z", true));
}

TEST_CASE("bracket classes, escapes and non-ASCII names", "[unit]") {
  CHECK(matches("000[1-3]_*.py", "shop/migrations/0002_x.py"));
  CHECK_FALSE(matches("000[1-3]_*.py", "shop/migrations/0004_x.py"));
  CHECK(matches("000[!1-3]_*.py", "shop/migrations/0004_x.py"));
  CHECK(matches("000[^1-3]_*.py", "shop/migrations/0004_x.py"));
  CHECK(matches("[]]x", "]x"));
  CHECK(matches("\\*.py", "*.py"));
  CHECK_FALSE(matches("\\*.py", "a.py"));
  CHECK(matches("caf?", "café"));
  CHECK(matches("\\!important", "!important"));
}

TEST_CASE("a trailing slash matches directories only", "[unit]") {
  CHECK(matches("legacy/", "shop/legacy", true));
  CHECK_FALSE(matches("legacy/", "shop/legacy", false));
}

TEST_CASE("patterns that cannot match as written are errors", "[unit]") {
  CHECK(error_of("") == "an empty pattern matches nothing");
  CHECK(error_of("!").find("names no path") != std::string::npos);
  CHECK(error_of("/").find("names no path") != std::string::npos);
  CHECK(error_of("000[1-3").find("without its closing `]`") != std::string::npos);
  CHECK(error_of("shop\\").find("lone `\\`") != std::string::npos);
  CHECK(error_of("shop//x").find("empty path segment") != std::string::npos);
}

TEST_CASE("an exclude set: the last matching pattern wins, excluded directories stay excluded", "[unit]") {
  const std::filesystem::path root = "/project";
  const ExcludeSet set({"legacy/", "*/migrations/0001_*.py", "!shop/migrations/0001_initial.py", "!legacy/keep.py"},
                       root);
  CHECK(set.excluded("/project/legacy", true));
  CHECK(set.excluded("/project/legacy/keep.py", false));  // its directory is excluded
  CHECK(set.excluded("/project/orders/migrations/0001_initial.py", false));
  CHECK_FALSE(set.excluded("/project/shop/migrations/0001_initial.py", false));
  CHECK_FALSE(set.excluded("/project/shop/migrations/0002_x.py", false));
  CHECK_FALSE(set.excluded("/elsewhere/legacy", true));  // outside the root
  CHECK_FALSE(set.excluded("/project", true));
  CHECK_FALSE(ExcludeSet({}, root).excluded("/project/legacy", true));
}
