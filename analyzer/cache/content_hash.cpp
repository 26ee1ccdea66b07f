#include "analyzer/cache/content_hash.h"

#include <bit>
#include <cstring>

namespace godwit::cache {

namespace {

constexpr uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
constexpr uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;
constexpr uint64_t kPrime3 = 0x165667B19E3779F9ULL;
constexpr uint64_t kPrime4 = 0x85EBCA77C2B2AE63ULL;

uint64_t load_le(const char* p) {
  uint64_t w = 0;
  std::memcpy(&w, p, sizeof w);
  if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
  return w;
}

// Every input bit affects every output bit (the 64-bit finalizer of the murmur family of hashes).
uint64_t avalanche(uint64_t x) {
  x ^= x >> 33;
  x *= 0xFF51AFD7ED558CCDULL;
  x ^= x >> 33;
  x *= 0xC4CEB9FE1A85EC53ULL;
  x ^= x >> 33;
  return x;
}

}  // namespace

Digest digest(std::string_view bytes, uint64_t seed) {
  uint64_t a = seed ^ kPrime1;
  uint64_t b = std::rotl(seed, 32) ^ kPrime3;
  const char* p = bytes.data();
  size_t left = bytes.size();
  for (; left >= 8; left -= 8, p += 8) {
    const uint64_t w = load_le(p);
    a = std::rotl(a ^ (w * kPrime2), 31) * kPrime1;
    b = std::rotl(b ^ (w * kPrime4), 27) * kPrime3;
  }
  // The tail, zero-padded; the length below tells "ab" from "ab\0".
  uint64_t tail = 0;
  for (size_t i = 0; i < left; ++i) tail |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  a = std::rotl(a ^ (tail * kPrime2), 31) * kPrime1;
  b = std::rotl(b ^ (tail * kPrime4), 27) * kPrime3;
  const auto length = static_cast<uint64_t>(bytes.size());
  a ^= length;
  b ^= length * kPrime2;
  a += b;
  b += a;
  a = avalanche(a);
  b = avalanche(b);
  a += b;
  b += a;
  return Digest{a, b};
}

std::string to_hex(const Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[15 - i] = kHex[(digest.hi >> (4 * i)) & 0xF];
    out[31 - i] = kHex[(digest.lo >> (4 * i)) & 0xF];
  }
  return out;
}

}  // namespace godwit::cache
