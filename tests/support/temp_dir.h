#pragma once

#include <filesystem>
#include <string_view>

namespace godwit::test {

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  // Writes `contents` to `relative` (creating parent directories) and returns the full path.
  std::filesystem::path write(const std::filesystem::path& relative, std::string_view contents) const;

 private:
  std::filesystem::path path_;
};

}  // namespace godwit::test
