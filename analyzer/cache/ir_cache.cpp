#include "analyzer/cache/ir_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include "analyzer/cache/ir_codec.h"
#include "godwit_extractor_fingerprint.h"

namespace godwit::cache {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic = "GODWITPK";
constexpr size_t kDigestSize = 16;
// magic, format, key length | key | entries
constexpr size_t kHeaderSize = 8 + 4 + 4;
// An entry: record length | record | record digest
constexpr size_t kFrameSize = 4 + kDigestSize;
// No migrations folder's IR comes near this; a bigger file is not one of ours.
constexpr uint64_t kMaxPackSize = uint64_t{1} << 32;
constexpr uint64_t kMaxRecordSize = (uint64_t{1} << 32) - 1;

void put_u16(std::string& out, uint16_t v) {
  for (int i = 0; i < 2; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_digest(std::string& out, const Digest& d) {
  put_u64(out, d.lo);
  put_u64(out, d.hi);
}
uint64_t get_le(std::string_view in, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
  return v;
}

void put_field(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

// Reads what a record holds, front to back; any read past its end fails.
class RecordReader {
 public:
  explicit RecordReader(std::string_view in) : in_(in) {}
  bool bytes(size_t n, std::string_view& out) {
    if (in_.size() - at_ < n) return false;
    out = in_.substr(at_, n);
    at_ += n;
    return true;
  }
  bool number(int width, uint64_t& out) {
    std::string_view b;
    if (!bytes(static_cast<size_t>(width), b)) return false;
    out = get_le(b, 0, width);
    return true;
  }
  bool string(std::string_view& out) {
    uint64_t size = 0;
    return number(2, size) && bytes(size, out);
  }
  [[nodiscard]] std::string_view rest() const { return in_.substr(at_); }

 private:
  std::string_view in_;
  size_t at_ = 0;
};

// A whole file into `out`, and its modification time (seconds since the epoch) into `modified`;
// false when it does not exist, is not a regular file or cannot be read.
bool read_whole(const fs::path& path, PageBuffer& out, std::time_t& modified) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  struct stat st {};
  bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) <= kMaxPackSize;
  modified = st.st_mtim.tv_sec;
  if (ok) ok = out.allocate(static_cast<size_t>(st.st_size));
  if (ok) {
    const size_t size = static_cast<size_t>(st.st_size);
    size_t done = 0;
    while (done < size) {
      const ssize_t n = ::read(fd, out.data() + done, size - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ok = done == size;
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

// Packs nothing has read or written for this long go at the next sweep: they belong to a godwit
// no longer run (each version writes packs of its own) or to a migrations folder that was moved
// or deleted. A pack in use never gets that old: reading one that is more than a day old sets
// its time to now.
constexpr std::time_t kUnusedPackAge = 30 * 24 * 3600;
constexpr std::time_t kRefreshAge = 24 * 3600;
// A temporary file older than this was left by a writer that died (a live one renames its own
// within moments).
constexpr std::time_t kAbandonedTempAge = 24 * 3600;
// The sweep runs at most this often: the time of its marker file tells when it last did.
constexpr std::time_t kSweepInterval = 24 * 3600;
constexpr std::string_view kSweepMarker = ".last-sweep";

// `ir<digits>`: a folder of packs of some format version.
bool is_format_folder(std::string_view name) {
  return name.size() > 2 && name.starts_with("ir") &&
         std::all_of(name.begin() + 2, name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// `<32 hex digits>.pack`, the name pack_path() gives.
bool is_pack_name(std::string_view name) {
  return name.size() == 32 + 5 && name.ends_with(".pack") &&
         std::all_of(name.begin(), name.begin() + 32, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// `.tmp-<pid>-<n>-<pack name>`, what write_atomically() writes a pack to before renaming it.
bool is_temporary_pack_name(std::string_view name) {
  return name.starts_with(".tmp-") && name.size() > 37 && is_pack_name(name.substr(name.size() - 37));
}

// What `path` names, not following a symlink: its type and modification time.
struct Found {
  bool regular = false;
  bool directory = false;
  std::time_t modified = 0;
};
Found look_at(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return {};
  return Found{S_ISREG(st.st_mode), S_ISDIR(st.st_mode), st.st_mtim.tv_sec};
}

int ensure_file(const fs::path& path, std::string_view contents, std::atomic<uint64_t>& counter) {
  std::error_code ec;
  if (fs::exists(path, ec)) return 0;
  return write_atomically(path, contents, counter);
}

// The framed record of one module: length, record, digest of the record.
std::string frame_record(const ir::Migration& migration) {
  const std::string_view text = migration.file().text();
  const std::string payload = encode_migration(migration);
  std::string framed;
  framed.reserve(kFrameSize + 2 + migration.name.size() + 2 + migration.app_label.size() + 8 + kDigestSize +
                 payload.size());
  put_u32(framed, 0);  // the length, set below
  put_u16(framed, static_cast<uint16_t>(migration.name.size()));
  framed += migration.name;
  put_u16(framed, static_cast<uint16_t>(migration.app_label.size()));
  framed += migration.app_label;
  put_u64(framed, text.size());
  put_digest(framed, digest(text));
  framed += payload;
  const size_t record_size = framed.size() - 4;
  for (int i = 0; i < 4; ++i) framed[static_cast<size_t>(i)] = static_cast<char>((record_size >> (8 * i)) & 0xFF);
  put_digest(framed, digest(std::string_view(framed).substr(4, record_size)));
  return framed;
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

// Everything a pack is valid for, length-prefixed so that no two keys read alike.
std::string IrCache::pack_key(const fs::path& migrations_dir) const {
  const ExtractorIdentity& id = current_extractor();
  std::string key = "godwit-ir";
  put_field(key, id.godwit_version);
  put_field(key, id.fingerprint);
  put_field(key, id.tree_sitter_runtime);
  put_field(key, std::to_string(id.format_version));
  put_field(key, fs::absolute(migrations_dir).lexically_normal().string());
  return key;
}

fs::path IrCache::pack_path(const fs::path& migrations_dir) const {
  return entries_ / (to_hex(digest(pack_key(migrations_dir))) + ".pack");
}

std::unique_ptr<IrCache::Folder> IrCache::folder(const fs::path& migrations_dir) const {
  return std::unique_ptr<Folder>(new Folder(*this, migrations_dir));
}

void IrCache::sweep() const {
  const std::time_t now = std::time(nullptr);
  const fs::path marker = dir_ / kSweepMarker;
  const Found last = look_at(marker);
  if (last.regular && last.modified <= now && now - last.modified < kSweepInterval) return;
  // Marked first, so that runs ending meanwhile leave the sweep to this one.
  const int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
  if (fd < 0) return;
  const bool marked = ::futimens(fd, nullptr) == 0;
  ::close(fd);
  if (!marked) return;
  // Every step goes through the folder descriptors already open, never a path again: a folder
  // swapped for a symlink meanwhile (in a cache folder others can write to) is not followed.
  DIR* formats = ::opendir(dir_.c_str());
  if (formats == nullptr) return;
  const std::string current = entries_.filename().string();
  while (const dirent* format = ::readdir(formats)) {
    const std::string name = format->d_name;
    if (!is_format_folder(name)) continue;
    // A symlink or a file is not ours to look into.
    const int folder_fd = ::openat(::dirfd(formats), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (folder_fd < 0) continue;
    DIR* folder = ::fdopendir(folder_fd);
    if (folder == nullptr) {
      ::close(folder_fd);
      continue;
    }
    while (const dirent* entry = ::readdir(folder)) {
      const std::string_view file = entry->d_name;
      const bool pack = is_pack_name(file);
      if (!pack && !is_temporary_pack_name(file)) continue;
      struct stat st {};
      if (::fstatat(::dirfd(folder), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
          now - st.st_mtim.tv_sec > (pack ? kUnusedPackAge : kAbandonedTempAge)) {
        ::unlinkat(::dirfd(folder), entry->d_name, 0);
      }
    }
    // The folder of another format version, once nothing is left in it and nothing has been
    // added to it for as long as a pack stays (a run of that version may have just made it;
    // what the loop above removed counts as a change).
    struct stat folder_st {};
    const bool unused = ::fstat(::dirfd(folder), &folder_st) == 0 && now - folder_st.st_mtim.tv_sec > kUnusedPackAge;
    ::closedir(folder);
    if (unused && name != current) ::unlinkat(::dirfd(formats), name.c_str(), AT_REMOVEDIR);
  }
  ::closedir(formats);
}

IrCache::Stats IrCache::stats() const {
  return Stats{hits_.load(), misses_.load(), rejected_.load(), packs_written_.load(), write_failures_.load()};
}

bool PageBuffer::allocate(size_t size) {
  release();
  if (size == 0) return true;
  void* pages = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (pages == MAP_FAILED) return false;
  data_ = pages;
  size_ = size;
  return true;
}

void PageBuffer::release() {
  if (data_ != nullptr) ::munmap(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

IrCache::Folder::Folder(const IrCache& cache, fs::path migrations_dir)
    : cache_(cache), dir_(std::move(migrations_dir)) {
  const std::string key = cache_.pack_key(dir_);
  pack_path_ = cache_.entries_ / (to_hex(digest(key)) + ".pack");
  std::time_t modified = 0;
  if (read_whole(pack_path_, pack_, modified)) {
    pack_damaged_ = !parse_pack(key);
    // In use: not to be swept (see kUnusedPackAge). A pack that changes is rewritten anyway.
    if (!pack_damaged_ && std::time(nullptr) - modified > kRefreshAge) {
      ::utimensat(AT_FDCWD, pack_path_.c_str(), nullptr, AT_SYMLINK_NOFOLLOW);
    }
  } else {
    // No pack yet, or something that cannot be read as one (a folder where it should be).
    std::error_code ec;
    pack_damaged_ = fs::exists(fs::symlink_status(pack_path_, ec));
    pack_.release();
  }
  if (pack_damaged_) cache_.rejected_.fetch_add(1, std::memory_order_relaxed);
}

bool IrCache::Folder::parse_pack(const std::string& key) {
  const std::string_view in = pack_.view();
  if (in.size() < kHeaderSize || in.substr(0, kMagic.size()) != kMagic ||
      get_le(in, 8, 4) != current_extractor().format_version || get_le(in, 12, 4) != key.size() ||
      in.size() - kHeaderSize < key.size() || in.substr(kHeaderSize, key.size()) != key) {
    return false;
  }
  size_t at = kHeaderSize + key.size();
  while (at < in.size()) {
    // A damaged entry ends the reading: what follows it cannot be framed with confidence. The
    // entries before it are checksummed one by one and stay usable.
    if (in.size() - at < kFrameSize) return false;
    const uint64_t record_size = get_le(in, at, 4);
    if (in.size() - at - kFrameSize < record_size) return false;
    const std::string_view record = in.substr(at + 4, record_size);
    const std::string_view stored_digest = in.substr(at + 4 + record_size, kDigestSize);
    if (digest(record) != Digest{get_le(stored_digest, 0, 8), get_le(stored_digest, 8, 8)}) return false;
    RecordReader r(record);
    std::string_view name;
    std::string_view app_label;
    uint64_t text_size = 0;
    uint64_t lo = 0;
    uint64_t hi = 0;
    if (!r.string(name) || !r.string(app_label) || !r.number(8, text_size) || !r.number(8, lo) ||
        !r.number(8, hi) || name.empty()) {
      return false;
    }
    entries_.insert_or_assign(std::string(name), Entry{std::string(app_label), text_size, Digest{lo, hi}, r.rest(),
                                                       in.substr(at, kFrameSize + record_size)});
    at += kFrameSize + record_size;
  }
  return true;
}

std::optional<ir::Migration> IrCache::Folder::load(const std::shared_ptr<const source::SourceFile>& source,
                                                   const std::string& app_label, const std::string& name,
                                                   std::string_view* body) {
  const auto found = entries_.find(name);
  const std::string_view text = source->text();
  if (found == entries_.end() || found->second.app_label != app_label || found->second.text_size != text.size() ||
      found->second.text_digest != digest(text)) {
    cache_.misses_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  auto migration = body != nullptr ? decode_header(found->second.payload, source, app_label, name, *body)
                                   : decode_migration(found->second.payload, source, app_label, name);
  if (!migration) {
    // Checksummed, yet not decodable: written by a broken build. Never trusted, replaced.
    cache_.rejected_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  cache_.hits_.fetch_add(1, std::memory_order_relaxed);
  const std::lock_guard lock(mutex_);
  next_.insert_or_assign(name, std::string());  // the entry read stays as it is
  return migration;
}

void IrCache::Folder::body_rejected() {
  cache_.hits_.fetch_sub(1, std::memory_order_relaxed);
  cache_.rejected_.fetch_add(1, std::memory_order_relaxed);
}

void IrCache::Folder::store(const ir::Migration& migration) {
  if (migration.name.size() > UINT16_MAX || migration.app_label.size() > UINT16_MAX) return;
  std::string framed = frame_record(migration);
  if (framed.size() - kFrameSize > kMaxRecordSize) return;
  const std::lock_guard lock(mutex_);
  next_.insert_or_assign(migration.name, std::move(framed));
}

void IrCache::Folder::commit() {
  const std::lock_guard lock(mutex_);
  bool changed = pack_damaged_;
  // Entries this run did not touch stay while their module exists (a run may read only some of
  // a folder's modules); those of deleted modules go.
  for (const auto& [name, entry] : entries_) {
    if (next_.contains(name)) continue;
    std::error_code ec;
    if (fs::exists(dir_ / (name + ".py"), ec)) {
      next_.emplace(name, std::string());
    } else {
      changed = true;
    }
  }
  for (const auto& [name, framed] : next_) changed = changed || !framed.empty();
  if (changed) {
    const std::string key = cache_.pack_key(dir_);
    const auto record = [&](const std::string& name, const std::string& framed) -> std::string_view {
      return framed.empty() ? entries_.find(name)->second.framed : std::string_view(framed);
    };
    size_t size = kHeaderSize + key.size();
    for (const auto& [name, framed] : next_) size += record(name, framed).size();
    std::string out;
    out.reserve(size);
    out += kMagic;
    put_u32(out, current_extractor().format_version);
    put_u32(out, static_cast<uint32_t>(key.size()));
    out += key;
    for (const auto& [name, framed] : next_) out += record(name, framed);
    const int failed = write_atomically(pack_path_, out, cache_.temp_counter_);
    (failed == 0 ? cache_.packs_written_ : cache_.write_failures_).fetch_add(1, std::memory_order_relaxed);
  }
  next_.clear();
  entries_.clear();
  pack_.release();
}

}  // namespace godwit::cache
