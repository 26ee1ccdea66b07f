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

// decode_migration in two steps, so that a run can build the migration graph (which needs only
// what decode_header reads: the syntax error, the Migration class, dependencies, replaces,
// run_before, initial, atomic) and start replaying while the rest is still being decoded.
// decode_header returns the migration with the rest empty, and in `body` the bytes (a view of
// `payload`) that decode_body completes it from. Both are as defensive as decode_migration; a
// body that does not decode leaves the rest empty and returns false.
std::optional<ir::Migration> decode_header(std::string_view payload, std::shared_ptr<const source::SourceFile> source,
                                           std::string app_label, std::string name, std::string_view& body);
bool decode_body(std::string_view body, ir::Migration& migration);

// Moves what decode_body decodes (operations, imports, functions, classes, the safe marker,
// comments and the rest) from `from` into `to`, leaving the header of `to` as it is.
void move_body(ir::Migration& to, ir::Migration&& from);

}  // namespace godwit::cache
