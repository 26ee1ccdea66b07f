#include "analyzer/lsp/uri.h"

#include <array>

namespace godwit::lsp {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

bool scheme_is_file(std::string_view uri) {
  if (uri.size() < 5) return false;
  for (size_t i = 0; i < 4; ++i) {
    if ((uri[i] | 0x20) != "file"[i]) return false;
  }
  return uri[4] == ':';
}

}  // namespace

std::optional<std::filesystem::path> path_from_uri(std::string_view uri) {
  if (!scheme_is_file(uri)) return std::nullopt;
  std::string_view rest = uri.substr(5);
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    const std::string_view host = rest.substr(0, slash);
    if (!host.empty() && host != "localhost") return std::nullopt;
    rest.remove_prefix(slash);
  }
  if (!rest.starts_with('/')) return std::nullopt;
  // A query or fragment is not part of the path.
  rest = rest.substr(0, rest.find_first_of("?#"));
  std::string decoded;
  decoded.reserve(rest.size());
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] != '%') {
      decoded.push_back(rest[i]);
      continue;
    }
    const int hi = i + 1 < rest.size() ? hex_value(rest[i + 1]) : -1;
    const int lo = i + 2 < rest.size() ? hex_value(rest[i + 2]) : -1;
    if (hi < 0 || lo < 0) return std::nullopt;
    const char byte = static_cast<char>(hi * 16 + lo);
    if (byte == '\0') return std::nullopt;
    decoded.push_back(byte);
    i += 2;
  }
  return std::filesystem::path(decoded).lexically_normal();
}

std::string uri_from_path(const std::filesystem::path& path) {
  static constexpr std::array<char, 16> kHex{'0', '1', '2', '3', '4', '5', '6', '7',
                                             '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};
  std::string uri = "file://";
  for (const char c : path.generic_string()) {
    const auto byte = static_cast<unsigned char>(c);
    if (unreserved(byte) || c == '/') {
      uri.push_back(c);
    } else {
      uri.push_back('%');
      uri.push_back(kHex[byte >> 4]);
      uri.push_back(kHex[byte & 0x0F]);
    }
  }
  return uri;
}

}  // namespace godwit::lsp
