#include "tests/support/extract.h"

#include <memory>

#include "analyzer/frontend/migration_extractor.h"

namespace godwit::test {

ir::Migration extract(std::string text, std::string name) {
  frontend::PythonParser parser;
  auto source = std::make_shared<const source::SourceFile>("shop/migrations/" + name + ".py", std::move(text));
  return frontend::read_migration(parser, std::move(source), "shop", std::move(name));
}

std::string_view text_at(const ir::Migration& migration, source::TextRange range) {
  return migration.file().slice(range);
}

bool is_valid_utf8(std::string_view text) { return source::valid_utf8_prefix(text) == text.size(); }

}  // namespace godwit::test
