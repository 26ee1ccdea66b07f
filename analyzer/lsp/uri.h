#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace godwit::lsp {

// The local path a `file:` URI names (percent-decoded, lexically normal); nullopt for any other
// scheme (`untitled:`), a remote host, or a malformed URI.
std::optional<std::filesystem::path> path_from_uri(std::string_view uri);

// The `file:` URI of an absolute path, with every byte outside the unreserved set and `/`
// percent-encoded.
std::string uri_from_path(const std::filesystem::path& path);

}  // namespace godwit::lsp
