#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "analyzer/ir/migration.h"

namespace godwit::cache {

// The version of the encoding below and of the cache files holding it. Bump it with any change
// to the IR types or to how they are written (a static_assert in ir_codec.cpp trips when an IR
// struct changes size).
inline constexpr uint32_t kIrFormatVersion = 3;

// A compact binary form of everything extraction found in one module: varint-prefixed
// strings and lists, enums as bytes, byte ranges into the source. The app label, the name and
// the source text are not written: they are what a cache entry is keyed by.
std::string encode_migration(const ir::Migration& migration);

// The inverse of encode_migration for a module whose text is `source`. Never trusts its input:
// any malformed, truncated, out-of-range or trailing byte gives nullopt, never a crash, an
// unbounded allocation or a deep recursion.
std::optional<ir::Migration> decode_migration(std::string_view payload, std::shared_ptr<const source::SourceFile> source,
                                              std::string app_label, std::string name);

}  // namespace godwit::cache
