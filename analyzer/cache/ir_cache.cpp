#include "analyzer/cache/ir_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "analyzer/cache/content_hash.h"
#include "analyzer/cache/ir_codec.h"
#include "godwit_extractor_fingerprint.h"

namespace godwit::cache {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic = "GODWITIR";
constexpr size_t kDigestSize = 16;
// magic, format, key length | key | payload length, payload digest | payload
constexpr size_t kPrefixSize = 8 + 4 + 4;
constexpr size_t kMiddleSize = 8 + kDigestSize;
// No migration module's IR comes near this; a bigger entry is not one of ours.
constexpr uint64_t kMaxEntrySize = uint64_t{1} << 30;

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint64_t get_le(std::string_view in, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
  return v;
}
void put_digest(std::string& out, const Digest& d) {
  put_u64(out, d.lo);
  put_u64(out, d.hi);
}

void put_field(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

// Everything an entry is valid for, length-prefixed so that no two keys read alike.
std::string entry_key(std::string_view text, const std::string& app_label, const std::string& name) {
  const ExtractorIdentity& id = current_extractor();
  std::string key = "godwit-ir";
  put_field(key, id.godwit_version);
  put_field(key, id.fingerprint);
  put_field(key, id.tree_sitter_runtime);
  put_field(key, std::to_string(id.format_version));
  put_field(key, app_label);
  put_field(key, name);
  put_field(key, std::to_string(text.size()));
  put_field(key, to_hex(digest(text)));
  return key;
}

// Reads a whole file. Returns false with errno-style `missing` set when it does not exist.
bool read_entry(const fs::path& path, std::string& out, bool& missing) {
  missing = false;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    missing = errno == ENOENT || errno == ENOTDIR;
    return false;
  }
  struct stat st {};
  bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) <= kMaxEntrySize;
  if (ok) {
    out.resize(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = ::read(fd, out.data() + done, out.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ok = done == out.size();
  }
  ::close(fd);
  return ok;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Writes `data` to `path` through a temporary file in the same folder and a rename, so that a
// reader sees either the old file or the whole new one. Never follows a symlink at the
// temporary name (O_EXCL) and replaces, never writes through, one at the final name.
// Returns 0 or the errno of the step that failed.
int write_atomically(const fs::path& path, std::string_view data, std::atomic<uint64_t>& counter) {
  for (int attempt = 0; attempt < 4; ++attempt) {
    const fs::path temp = path.parent_path() / (".tmp-" + std::to_string(::getpid()) + "-" +
                                                std::to_string(counter.fetch_add(1)) + "-" +
                                                path.filename().string());
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      if (errno == EEXIST) continue;  // a leftover of a process that died with this pid
      return errno;
    }
    int error = write_all(fd, data) ? 0 : (errno != 0 ? errno : EIO);
    if (::close(fd) != 0 && error == 0) error = errno;
    if (error == 0 && ::rename(temp.c_str(), path.c_str()) != 0) error = errno;
    if (error != 0) ::unlink(temp.c_str());
    return error;
  }
  return EEXIST;
}

int ensure_file(const fs::path& path, std::string_view contents, std::atomic<uint64_t>& counter) {
  std::error_code ec;
  if (fs::exists(path, ec)) return 0;
  return write_atomically(path, contents, counter);
}

}  // namespace

const ExtractorIdentity& current_extractor() {
  static const ExtractorIdentity identity{GODWIT_VERSION, GODWIT_EXTRACTOR_FINGERPRINT, GODWIT_TREE_SITTER_VERSION,
                                          kIrFormatVersion};
  return identity;
}

fs::path default_cache_dir(const fs::path& project_root) { return project_root / ".godwit_cache"; }

IrCache::IrCache(fs::path dir) : dir_(std::move(dir)), entries_(dir_ / ("ir" + std::to_string(kIrFormatVersion))) {}

std::unique_ptr<IrCache> IrCache::open(const fs::path& dir, std::string& error) {
  std::unique_ptr<IrCache> cache(new IrCache(dir));
  std::error_code ec;
  fs::create_directories(cache->entries_, ec);
  if (ec || !fs::is_directory(cache->entries_, ec)) {
    error = "cannot create " + cache->entries_.string() + (ec ? ": " + ec.message() : "");
    return nullptr;
  }
  int failed = ensure_file(dir / ".gitignore", "# Created by godwit: its cache, never to be committed.\n*\n",
                           cache->temp_counter_);
  if (failed == 0) {
    failed = ensure_file(dir / "CACHEDIR.TAG",
                         "Signature: 8a477f597d28d172789f06886806bc55\n"
                         "# This file is a cache directory tag created by godwit.\n"
                         "# For information about cache directory tags, see https://bford.info/cachedir/\n",
                         cache->temp_counter_);
  }
  if (failed != 0) {
    error = "cannot write in " + dir.string() + ": " + std::strerror(failed);
    return nullptr;
  }
  return cache;
}

fs::path IrCache::entry_path(std::string_view text, const std::string& app_label, const std::string& name) const {
  const std::string hex = to_hex(digest(entry_key(text, app_label, name)));
  return entries_ / hex.substr(0, 2) / hex;
}

std::optional<ir::Migration> IrCache::load(const std::shared_ptr<const source::SourceFile>& source,
                                           const std::string& app_label, const std::string& name) const {
  const std::string key = entry_key(source->text(), app_label, name);
  const std::string hex = to_hex(digest(key));
  std::string entry;
  bool missing = false;
  if (!read_entry(entries_ / hex.substr(0, 2) / hex, entry, missing)) {
    (missing ? misses_ : rejected_).fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  const std::string_view in = entry;
  const auto reject = [&]() -> std::optional<ir::Migration> {
    rejected_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  };
  if (in.size() < kPrefixSize || in.substr(0, kMagic.size()) != kMagic ||
      get_le(in, 8, 4) != current_extractor().format_version) {
    return reject();
  }
  const uint64_t key_size = get_le(in, 12, 4);
  if (key_size != key.size() || in.size() - kPrefixSize < key_size + kMiddleSize ||
      in.substr(kPrefixSize, key_size) != key) {
    return reject();
  }
  const size_t middle = kPrefixSize + key.size();
  const uint64_t payload_size = get_le(in, middle, 8);
  const Digest stored{get_le(in, middle + 8, 8), get_le(in, middle + 16, 8)};
  const std::string_view payload = in.substr(middle + kMiddleSize);
  if (payload_size != payload.size() || digest(payload) != stored) return reject();
  auto migration = decode_migration(payload, source, app_label, name);
  if (!migration) return reject();
  hits_.fetch_add(1, std::memory_order_relaxed);
  return migration;
}

void IrCache::store(const ir::Migration& migration) const {
  const std::string_view text = migration.file().text();
  const std::string key = entry_key(text, migration.app_label, migration.name);
  const std::string hex = to_hex(digest(key));
  const std::string payload = encode_migration(migration);
  std::string entry;
  entry.reserve(kPrefixSize + key.size() + kMiddleSize + payload.size());
  entry += kMagic;
  put_u32(entry, current_extractor().format_version);
  put_u32(entry, static_cast<uint32_t>(key.size()));
  entry += key;
  put_u64(entry, payload.size());
  put_digest(entry, digest(payload));
  entry += payload;
  const fs::path shard = entries_ / hex.substr(0, 2);
  const fs::path path = shard / hex;
  int failed = write_atomically(path, entry, temp_counter_);
  if (failed == ENOENT) {
    // The shard folder does not exist yet (or was removed meanwhile).
    std::error_code ec;
    fs::create_directories(shard, ec);
    failed = ec ? ec.value() : write_atomically(path, entry, temp_counter_);
  }
  (failed == 0 ? stored_ : store_failures_).fetch_add(1, std::memory_order_relaxed);
}

IrCache::Stats IrCache::stats() const {
  return Stats{hits_.load(), misses_.load(), rejected_.load(), stored_.load(), store_failures_.load()};
}

}  // namespace godwit::cache
