#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace godwit::diagnostics {

// Ordered: a higher severity compares greater.
enum class Severity : uint8_t { Info, Warning, Error };

std::string_view to_string(Severity severity);
std::optional<Severity> severity_from_string(std::string_view text);

}  // namespace godwit::diagnostics
