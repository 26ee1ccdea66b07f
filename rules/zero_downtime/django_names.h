#pragma once

// The names Django's schema editor gives the indexes it creates for a field or an
// `index_together` set, so that a help text can name the index to drop. Header-only, like
// schema_change.h.

#include <array>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace godwit::rules::zd {

// MD5 (RFC 1321) as lower-case hex: Django's `names_digest` hashes with it.
inline std::string md5_hex(std::string_view input) {
  static constexpr std::array<uint32_t, 64> kK{
      0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
      0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
      0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
      0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
      0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
      0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
      0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
      0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
  static constexpr std::array<uint32_t, 64> kShift{7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                                   5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                                   4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                                   6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
  std::string message(input);
  const uint64_t bit_length = static_cast<uint64_t>(input.size()) * 8;
  message += static_cast<char>(0x80);
  while (message.size() % 64 != 56) message += '\0';
  for (int i = 0; i < 8; ++i) message += static_cast<char>((bit_length >> (8 * i)) & 0xff);

  uint32_t a0 = 0x67452301;
  uint32_t b0 = 0xefcdab89;
  uint32_t c0 = 0x98badcfe;
  uint32_t d0 = 0x10325476;
  const auto rotate = [](uint32_t x, uint32_t c) { return (x << c) | (x >> (32 - c)); };
  for (size_t chunk = 0; chunk < message.size(); chunk += 64) {
    std::array<uint32_t, 16> m{};
    for (size_t i = 0; i < 16; ++i) {
      for (size_t b = 0; b < 4; ++b) {
        m[i] |= static_cast<uint32_t>(static_cast<unsigned char>(message[chunk + 4 * i + b])) << (8 * b);
      }
    }
    uint32_t a = a0;
    uint32_t b = b0;
    uint32_t c = c0;
    uint32_t d = d0;
    for (uint32_t i = 0; i < 64; ++i) {
      uint32_t f = 0;
      uint32_t g = 0;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
      }
      f = f + a + kK[i] + m[g];
      a = d;
      d = c;
      c = b;
      b = b + rotate(f, kShift[i]);
    }
    a0 += a;
    b0 += b;
    c0 += c;
    d0 += d;
  }
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  for (const uint32_t word : {a0, b0, c0, d0}) {
    for (int i = 0; i < 4; ++i) {
      const auto byte = static_cast<unsigned>((word >> (8 * i)) & 0xff);
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  return out;
}

// Django's BaseDatabaseSchemaEditor._create_index_name with PostgreSQL's 63-character limit:
// `<table>_<columns>_<8 hex digits of md5(table + columns)><suffix>`, shortened when too long.
inline std::string django_index_name(std::string_view table, const std::vector<std::string>& columns,
                                     std::string_view suffix = "") {
  constexpr size_t kMaxLength = 63;
  std::string digest_input(table);
  std::string joined;
  for (size_t i = 0; i < columns.size(); ++i) {
    digest_input += columns[i];
    joined += (i > 0 ? "_" : "") + columns[i];
  }
  std::string hash_suffix = md5_hex(digest_input).substr(0, 8) + std::string(suffix);
  std::string name = std::string(table) + "_" + joined + "_" + hash_suffix;
  if (name.size() <= kMaxLength) return name;
  hash_suffix = hash_suffix.substr(0, kMaxLength / 3);
  const size_t other = (kMaxLength - hash_suffix.size()) / 2 - 1;
  name = std::string(table.substr(0, other)) + "_" + joined.substr(0, other) + "_" + hash_suffix;
  if (name[0] == '_' || std::isdigit(static_cast<unsigned char>(name[0])) != 0)
    name = "D" + name.substr(0, name.size() - 1);
  return name;
}

}  // namespace godwit::rules::zd
