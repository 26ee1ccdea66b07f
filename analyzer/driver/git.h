#pragma once

#include <filesystem>
#include <set>
#include <string>

namespace godwit::driver {

// The files a branch adds or changes since `base`: the differences between the working tree and
// the merge base of `base` and HEAD (committed, staged and unstaged), plus untracked files that
// are not ignored — users run `--diff-base` before committing. Absolute, normalised paths.
// On failure (not a git repository, unknown ref, git missing) returns false with a message.
bool changed_since(const std::filesystem::path& working_directory, const std::string& base,
                   std::set<std::filesystem::path>& changed, std::string& error);

}  // namespace godwit::driver
