#pragma once

#include <string>
#include <string_view>

#include "analyzer/ir/migration.h"

namespace godwit::test {

// Parses `text` as `shop/migrations/<name>.py` and extracts its IR, as the loader would.
ir::Migration extract(std::string text, std::string name = "0002_test");

// The source text a range of `migration` covers.
std::string_view text_at(const ir::Migration& migration, source::TextRange range);

// True when `text` is entirely well-formed UTF-8.
bool is_valid_utf8(std::string_view text);

}  // namespace godwit::test
