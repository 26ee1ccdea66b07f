#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace godwit::cache {

// A 128-bit digest of a byte string: two 64-bit multiply-rotate lanes over every 8-byte word,
// each finished with an avalanche mix. Fast (several GB/s) and well distributed, but not
// cryptographic: it identifies content, it does not authenticate it (a cache entry is as
// trustworthy as the folder it sits in, which is beside the sources it describes).
struct Digest {
  uint64_t lo = 0;
  uint64_t hi = 0;
  friend bool operator==(const Digest&, const Digest&) = default;
};

Digest digest(std::string_view bytes, uint64_t seed = 0);

// 32 lowercase hex digits.
std::string to_hex(const Digest& digest);

}  // namespace godwit::cache
