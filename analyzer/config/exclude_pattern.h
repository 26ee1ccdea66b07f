#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace godwit::config {

// One gitignore-style pattern of `exclude`, matched against paths relative to the directory of
// the configuration file: `*` and `?` never cross a `/`, `**` spans directories (`**/x`, `a/**/b`,
// `a/**`), `[abc]`/`[a-z]`/`[!a]` classes, `\` escapes, a leading `/` anchors the pattern to the
// root, a `/` elsewhere anchors it too, otherwise it matches a name at any depth; a trailing `/`
// matches directories only; a leading `!` re-includes what an earlier pattern excluded.
class ExcludePattern {
 public:
  // Returns nullopt with a message in `error` for a pattern that cannot match as written.
  static std::optional<ExcludePattern> parse(std::string_view text, std::string& error);

  // `relative` uses `/` separators and has no leading `/`.
  [[nodiscard]] bool matches(std::string_view relative, bool is_directory) const;
  [[nodiscard]] bool negated() const { return negated_; }
  [[nodiscard]] const std::string& text() const { return text_; }

 private:
  std::string text_;  // as written
  std::string body_;  // without `!`, the leading `/` and the trailing `/`
  bool negated_ = false;
  bool anchored_ = false;
  bool directory_only_ = false;
};

// The `exclude` list of a configuration, relative to `root`. As in git, nothing inside an excluded
// directory can be re-included, and the last pattern that matches a path decides.
class ExcludeSet {
 public:
  ExcludeSet() = default;
  // Invalid patterns (the loader rejects them with a message) are skipped.
  ExcludeSet(const std::vector<std::string>& patterns, std::filesystem::path root);

  // `path` is absolute and lexically normal. Paths outside the root are never excluded.
  [[nodiscard]] bool excluded(const std::filesystem::path& path, bool is_directory) const;
  [[nodiscard]] bool empty() const { return patterns_.empty(); }

 private:
  [[nodiscard]] bool decide(std::string_view relative, bool is_directory) const;

  std::vector<ExcludePattern> patterns_;
  std::filesystem::path root_;
};

}  // namespace godwit::config
