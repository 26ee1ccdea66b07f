#include "analyzer/driver/git.h"

#include "analyzer/driver/subprocess.h"

namespace godwit::driver {

namespace {

std::string first_line(const std::string& text) {
  const auto end = text.find_first_of("\r\n");
  return text.substr(0, end);
}

bool git(const std::filesystem::path& cwd, const std::vector<std::string>& args, std::string& out,
         std::string& error) {
  std::vector<std::string> argv{"git"};
  argv.insert(argv.end(), args.begin(), args.end());
  const ProcessResult r = run_process(argv, cwd.string(), {}, {"GIT_OPTIONAL_LOCKS=0", "LC_ALL=C"});
  if (r.exit_code == 127) {
    error = "git could not be run (is it installed?)";
    return false;
  }
  if (r.exit_code != 0) {
    error = first_line(r.err.empty() ? r.out : r.err);
    return false;
  }
  out = r.out;
  return true;
}

// NUL-separated paths relative to `root`.
void add_paths(const std::filesystem::path& root, const std::string& z, std::set<std::filesystem::path>& into) {
  size_t start = 0;
  while (start < z.size()) {
    const size_t end = z.find('\0', start);
    const std::string path = z.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!path.empty()) into.insert((root / path).lexically_normal());
    if (end == std::string::npos) break;
    start = end + 1;
  }
}

}  // namespace

bool changed_since(const std::filesystem::path& working_directory, const std::string& base,
                   std::set<std::filesystem::path>& changed, std::string& error) {
  std::string out;
  std::string why;
  if (!git(working_directory, {"rev-parse", "--show-toplevel"}, out, why)) {
    error = "--diff-base needs a git repository: " + why;
    return false;
  }
  const std::filesystem::path root = std::filesystem::path(first_line(out)).lexically_normal();
  if (!git(root, {"rev-parse", "--verify", "--quiet", base + "^{commit}"}, out, why)) {
    error = "--diff-base " + base + ": no such commit, branch or tag in " + root.string();
    return false;
  }
  if (!git(root, {"merge-base", base, "HEAD"}, out, why)) {
    error = "--diff-base " + base + ": no common history with HEAD (" + why + ")";
    return false;
  }
  const std::string merge_base = first_line(out);
  if (!git(root, {"diff", "--name-only", "--no-renames", "-z", merge_base, "--"}, out, why)) {
    error = "--diff-base " + base + ": " + why;
    return false;
  }
  add_paths(root, out, changed);
  if (!git(root, {"ls-files", "--others", "--exclude-standard", "-z"}, out, why)) {
    error = "--diff-base " + base + ": " + why;
    return false;
  }
  add_paths(root, out, changed);
  return true;
}

}  // namespace godwit::driver
