#include "analyzer/ir/interned.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>
#include <unordered_set>

namespace godwit::ir {

constinit const detail::EmptyText detail::g_empty_text{};

namespace {

// FNV-1a over 8-byte words, with a fold: the strings are short, and hashing is most of what
// interning costs. One hash serves the per-thread cache and the shared pool.
uint64_t quick_hash(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL ^ text.size();
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word = 0;
    std::memcpy(&word, text.data() + i, sizeof word);
    h = (h ^ word) * 0x100000001b3ULL;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, text.data() + i, text.size() - i);
  h = (h ^ tail) * 0x100000001b3ULL;
  return h ^ (h >> 32);
}

// A lookup key whose hash is already known.
struct Hashed {
  std::string_view text;
  uint64_t hash;
};

struct Hash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const noexcept { return quick_hash(text); }
  size_t operator()(const Hashed& key) const noexcept { return key.hash; }
};

struct Equal {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
  bool operator()(const Hashed& a, std::string_view b) const noexcept { return a.text == b; }
  bool operator()(std::string_view a, const Hashed& b) const noexcept { return a == b.text; }
};

// Sharded so that the loader's threads rarely wait for one another. Node-based, so a string
// never moves once it is in.
struct Shard {
  std::mutex mutex;
  std::unordered_set<std::string, Hash, Equal> strings;
};

constexpr size_t kShards = 64;

std::array<Shard, kShards>& shards() {
  // Never destroyed: references handed out stay valid through static destruction.
  static auto* pool = new std::array<Shard, kShards>();
  return *pool;
}

const std::string& empty_string() { return detail::g_empty_text.value; }

const std::string& intern_shared(std::string_view text, uint64_t hash) {
  Shard& shard = shards()[(hash >> 40) % kShards];
  const std::lock_guard lock(shard.mutex);
  auto it = shard.strings.find(Hashed{text, hash});
  if (it == shard.strings.end()) it = shard.strings.emplace(text).first;
  return *it;
}

}  // namespace

const std::string& intern(std::string_view text) {
  if (text.empty()) return empty_string();
  // Each thread remembers the strings it interned last, in a direct-mapped table (96 % of
  // lookups on a large project hit): a hash, an index and a compare against the slot's own copy
  // of a short string, without touching the shared pool's memory or its lock.
  struct Slot {
    uint64_t hash = 0;
    const std::string* string = nullptr;
    uint32_t size = 0;
    std::array<char, 20> head{};  // the string itself, when it fits
  };
  constexpr size_t kSlots = 16384;
  thread_local std::array<Slot, kSlots> recent{};
  const uint64_t hash = quick_hash(text);
  Slot& slot = recent[hash % kSlots];
  if (slot.hash == hash && slot.string != nullptr && slot.size == text.size()) {
    const bool same = text.size() <= slot.head.size() ? std::memcmp(slot.head.data(), text.data(), text.size()) == 0
                                                       : *slot.string == text;
    if (same) return *slot.string;
  }
  const std::string& shared = intern_shared(text, hash);
  slot.hash = hash;
  slot.string = &shared;
  slot.size = static_cast<uint32_t>(text.size());
  std::memcpy(slot.head.data(), text.data(), std::min(text.size(), slot.head.size()));
  return shared;
}

size_t interned_count() {
  size_t count = 0;
  for (Shard& shard : shards()) {
    const std::lock_guard lock(shard.mutex);
    count += shard.strings.size();
  }
  return count;
}

Text::Text(std::string_view text, bool vocabulary) {
  if (vocabulary || text.size() <= kInternLimit) {
    bits_ = reinterpret_cast<uintptr_t>(&intern(text));
  } else {
    bits_ = reinterpret_cast<uintptr_t>(new std::string(text)) | 1;
  }
}

Text::Text(const Text& other) : bits_(other.bits_) {
  if (other.owned()) bits_ = reinterpret_cast<uintptr_t>(new std::string(other.get())) | 1;
}

Text& Text::operator=(const Text& other) {
  if (this != &other) *this = Text(other);
  return *this;
}

Text& Text::operator=(Text&& other) noexcept {
  if (this != &other) {
    release();
    bits_ = other.bits_;
    other.bits_ = Text().bits_;
  }
  return *this;
}

void Text::release() {
  if (owned()) delete reinterpret_cast<const std::string*>(bits_ & ~uintptr_t{1});
  bits_ = reinterpret_cast<uintptr_t>(&empty_string());
}

}  // namespace godwit::ir
