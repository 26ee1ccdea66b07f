// The IR cache: the codec gives back exactly what extraction produced, entries are keyed by
// everything extraction depends on, and a damaged entry is never trusted.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "analyzer/cache/content_hash.h"
#include "analyzer/cache/ir_cache.h"
#include "analyzer/cache/ir_codec.h"
#include "analyzer/driver/check.h"
#include "analyzer/driver/project_loader.h"
#include "analyzer/frontend/migration_extractor.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using godwit::cache::IrCache;
using godwit::ir::Migration;
using godwit::ir::Value;

namespace {

std::string slurp(const fs::path& path) {
  std::string text;
  std::string error;
  if (!godwit::driver::read_file(path, text, error)) FAIL(path.string() << ": " << error);
  return text;
}

std::shared_ptr<const godwit::source::SourceFile> source_of(const std::string& path, std::string text) {
  return std::make_shared<const godwit::source::SourceFile>(path, std::move(text));
}

Migration extract(const std::shared_ptr<const godwit::source::SourceFile>& source, const std::string& app = "shop",
                  const std::string& name = "0002_change") {
  godwit::frontend::PythonParser parser;
  return godwit::frontend::read_migration(parser, source, app, name);
}

// Every Python file the repository holds as test input or sample: the corpus the codec must
// carry through unchanged.
std::vector<fs::path> corpus() {
  std::vector<fs::path> files;
  const fs::path root = GODWIT_SOURCE_DIR;
  for (const char* dir : {"tests/fixtures", "tests/robustness", "tests/golden", "tests/integration", "samples"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
      if (entry.is_regular_file() && entry.path().extension() == ".py") files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Structural equality of two values, ranges included (Value::same_as ignores them).
bool same(const Value& a, const Value& b) {
  if (a.kind() != b.kind() || a.range() != b.range() || a.has_unpacking() != b.has_unpacking() ||
      a.origin() != b.origin() || a.text() != b.text() || !std::ranges::equal(a.keyword_names(), b.keyword_names()) ||
      a.raw_items().size() != b.raw_items().size() || a.as_bool() != b.as_bool() || a.as_int() != b.as_int() ||
      a.elements().size() != b.elements().size()) {
    return false;
  }
  if (a.is(Value::Kind::Float) &&
      std::bit_cast<uint64_t>(*a.as_float()) != std::bit_cast<uint64_t>(*b.as_float())) {
    return false;
  }
  if (a.is(Value::Kind::Lambda) && a.function_index() != b.function_index()) return false;
  for (size_t i = 0; i < a.raw_items().size(); ++i) {
    if (!same(a.raw_items()[i], b.raw_items()[i])) return false;
  }
  return true;
}

bool same(const std::vector<godwit::ir::Operation>& a, const std::vector<godwit::ir::Operation>& b);

bool same(const godwit::ir::Operation& a, const godwit::ir::Operation& b) {
  return a.kind() == b.kind() && same(a.call(), b.call()) && same(a.database_operations(), b.database_operations()) &&
         same(a.state_operations(), b.state_operations());
}

bool same(const std::vector<godwit::ir::Operation>& a, const std::vector<godwit::ir::Operation>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!same(a[i], b[i])) return false;
  }
  return true;
}

// Every field of a Migration, written from the IR's definition (not from the codec), so that a
// field the codec forgets is caught.
void require_same(const Migration& a, const Migration& b) {
  CHECK(a.app_label == b.app_label);
  CHECK(a.name == b.name);
  CHECK(a.syntax_error.has_value() == b.syntax_error.has_value());
  if (a.syntax_error && b.syntax_error) {
    CHECK(a.syntax_error->kind == b.syntax_error->kind);
    CHECK(a.syntax_error->range == b.syntax_error->range);
    CHECK(a.syntax_error->detail == b.syntax_error->detail);
    CHECK(a.syntax_error->related == b.syntax_error->related);
  }
  CHECK(a.has_migration_class == b.has_migration_class);
  CHECK(a.class_range == b.class_range);
  REQUIRE(a.dependencies.size() == b.dependencies.size());
  for (size_t i = 0; i < a.dependencies.size(); ++i) {
    const auto& x = a.dependencies[i];
    const auto& y = b.dependencies[i];
    CHECK((x.kind == y.kind && x.app == y.app && x.name == y.name && x.setting == y.setting && x.range == y.range));
  }
  CHECK(a.dependencies_known == b.dependencies_known);
  CHECK(a.dependencies_range == b.dependencies_range);
  const auto same_refs = [](const std::vector<godwit::ir::MigrationRef>& x, const std::vector<godwit::ir::MigrationRef>& y) {
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (x[i].app != y[i].app || x[i].name != y[i].name || x[i].range != y[i].range || x[i].known != y[i].known) {
        return false;
      }
    }
    return true;
  };
  CHECK(same_refs(a.replaces, b.replaces));
  CHECK(same_refs(a.run_before, b.run_before));
  CHECK(a.initial == b.initial);
  CHECK(a.atomic == b.atomic);
  CHECK(a.atomic_range == b.atomic_range);
  CHECK(same(a.operations, b.operations));
  CHECK(a.operations_found == b.operations_found);
  CHECK(a.operations_range == b.operations_range);
  REQUIRE(a.unresolved_operations.size() == b.unresolved_operations.size());
  for (size_t i = 0; i < a.unresolved_operations.size(); ++i) {
    const auto& x = a.unresolved_operations[i];
    const auto& y = b.unresolved_operations[i];
    CHECK((x.range == y.range && x.reason == y.reason && x.count == y.count));
  }
  REQUIRE(a.imports.size() == b.imports.size());
  for (size_t i = 0; i < a.imports.size(); ++i) {
    const auto& x = a.imports[i];
    const auto& y = b.imports[i];
    CHECK((x.module == y.module && x.name == y.name && x.binding == y.binding && x.target == y.target &&
           x.range == y.range && x.function == y.function));
  }
  REQUIRE(a.functions.size() == b.functions.size());
  for (size_t i = 0; i < a.functions.size(); ++i) {
    const auto& x = a.functions[i];
    const auto& y = b.functions[i];
    CHECK((x.name == y.name && x.scope == y.scope && x.range == y.range && x.signature == y.signature &&
           x.decorated == y.decorated && x.calls_get_model == y.calls_get_model && x.local_calls == y.local_calls));
    REQUIRE(x.parameters.size() == y.parameters.size());
    for (size_t k = 0; k < x.parameters.size(); ++k) {
      CHECK((x.parameters[k].name == y.parameters[k].name && x.parameters[k].kind == y.parameters[k].kind &&
             x.parameters[k].has_default == y.parameters[k].has_default));
    }
    REQUIRE(x.imported_uses.size() == y.imported_uses.size());
    for (size_t k = 0; k < x.imported_uses.size(); ++k) {
      CHECK((x.imported_uses[k].import_index == y.imported_uses[k].import_index &&
             x.imported_uses[k].range == y.imported_uses[k].range && x.imported_uses[k].path == y.imported_uses[k].path));
    }
    REQUIRE(x.writes.size() == y.writes.size());
    for (size_t k = 0; k < x.writes.size(); ++k) {
      CHECK((x.writes[k].method == y.writes[k].method && x.writes[k].range == y.writes[k].range));
    }
  }
  REQUIRE(a.classes.size() == b.classes.size());
  for (size_t i = 0; i < a.classes.size(); ++i) {
    const auto& x = a.classes[i];
    const auto& y = b.classes[i];
    CHECK((x.name == y.name && x.range == y.range && x.bases == y.bases && x.reversible == y.reversible &&
           x.reversible_range == y.reversible_range));
  }
  CHECK(a.safe.has_value() == b.safe.has_value());
  if (a.safe && b.safe) CHECK((a.safe->kind == b.safe->kind && a.safe->range == b.safe->range));
  REQUIRE(a.comments.size() == b.comments.size());
  for (size_t i = 0; i < a.comments.size(); ++i) {
    CHECK((a.comments[i].range == b.comments[i].range && a.comments[i].text == b.comments[i].text));
  }
}

const char* const kMigration = R"py(from django.db import migrations, models


def forwards(apps, schema_editor):
    Order = apps.get_model("shop", "Order")
    Order.objects.update(note="")


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddField("order", "note", models.TextField(null=True, default=lambda: "x")),
        migrations.RunPython(forwards),  # godwit: ignore[RV001] reviewed
        migrations.SeparateDatabaseAndState(state_operations=[migrations.RemoveField("order", "legacy")]),
    ]
)py";

// Overwrites `path` with `bytes`.
void overwrite(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

}  // namespace

TEST_CASE("the IR codec gives back exactly what extraction produced, for every test input and sample", "[cache]") {
  const auto files = corpus();
  REQUIRE(files.size() > 100);
  for (const fs::path& path : files) {
    INFO(path.string());
    const auto source = source_of(path.string(), slurp(path));
    const Migration original = extract(source);
    const std::string encoded = godwit::cache::encode_migration(original);
    const auto decoded = godwit::cache::decode_migration(encoded, source, "shop", "0002_change");
    REQUIRE(decoded);
    require_same(original, *decoded);
    CHECK(godwit::cache::encode_migration(*decoded) == encoded);
  }
}

TEST_CASE("the IR codec refuses every truncation and never crashes on altered bytes", "[cache]") {
  const auto source = source_of("shop/migrations/0002_change.py", kMigration);
  const Migration original = extract(source);
  const std::string encoded = godwit::cache::encode_migration(original);
  REQUIRE(encoded.size() > 100);
  for (size_t cut = 0; cut < encoded.size(); ++cut) {
    INFO("truncated to " << cut << " bytes");
    CHECK_FALSE(godwit::cache::decode_migration(encoded.substr(0, cut), source, "shop", "0002_change"));
  }
  CHECK_FALSE(godwit::cache::decode_migration(encoded + '\0', source, "shop", "0002_change"));
  // Each single-byte change is refused or decodes to a consistent IR.
  size_t refused = 0;
  for (size_t at = 0; at < encoded.size(); ++at) {
    for (const unsigned char flip : {0x01, 0x80, 0xFF}) {
      std::string altered = encoded;
      altered[at] = static_cast<char>(static_cast<unsigned char>(altered[at]) ^ flip);
      const auto decoded = godwit::cache::decode_migration(altered, source, "shop", "0002_change");
      if (!decoded) {
        ++refused;
        continue;
      }
      // What decodes re-encodes to itself: the decoder produced a consistent IR.
      CHECK(godwit::cache::encode_migration(*decoded) == altered);
    }
  }
  // Flips inside strings decode to other strings: the payload carries no checksum of its own
  // (the entry's digest catches those, see below); flips in the structure are refused.
  CHECK(refused > encoded.size() / 2);
  // Ranges beyond the text are refused: the same payload against a shorter file.
  CHECK_FALSE(godwit::cache::decode_migration(encoded, source_of("x.py", "x = 1\n"), "shop", "0002_change"));
}

TEST_CASE("content digests tell apart what differs and agree on what is equal", "[cache]") {
  using godwit::cache::digest;
  CHECK(digest("") == digest(""));
  CHECK_FALSE(digest("") == digest(std::string(1, '\0')));
  CHECK_FALSE(digest("ab") == digest(std::string("ab\0", 3)));
  CHECK_FALSE(digest("abc") == digest("abc", 1));
  std::string text(1000, 'x');
  const auto base = digest(text);
  for (size_t at = 0; at < text.size(); at += 37) {
    std::string changed = text;
    changed[at] = 'y';
    CHECK_FALSE(digest(changed) == base);
  }
  CHECK(godwit::cache::to_hex({0x0123456789abcdefULL, 0xfedcba9876543210ULL}) == "fedcba98765432100123456789abcdef");
}

TEST_CASE("a cache entry is found for the same bytes, app and name only", "[cache]") {
  const godwit::test::TempDir dir;
  std::string error;
  const auto cache = IrCache::open(dir.path() / "c", error);
  REQUIRE(cache);
  CHECK(fs::exists(dir.path() / "c" / ".gitignore"));
  CHECK(slurp(dir.path() / "c" / ".gitignore").find("\n*\n") != std::string::npos);
  CHECK(slurp(dir.path() / "c" / "CACHEDIR.TAG").starts_with("Signature: 8a477f597d28d172789f06886806bc55"));

  const auto source = source_of("shop/migrations/0002_change.py", kMigration);
  CHECK_FALSE(cache->load(source, "shop", "0002_change"));
  const Migration original = extract(source);
  cache->store(original);
  const auto hit = cache->load(source, "shop", "0002_change");
  REQUIRE(hit);
  require_same(original, *hit);
  CHECK(hit->source == source);

  CHECK_FALSE(cache->load(source, "billing", "0002_change"));
  CHECK_FALSE(cache->load(source, "shop", "0003_change"));
  std::string edited = kMigration;
  edited.replace(edited.find("legacy"), 6, "legaxy");
  CHECK_FALSE(cache->load(source_of("shop/migrations/0002_change.py", edited), "shop", "0002_change"));
  // The display path is not part of the key: the same file seen from elsewhere is a hit.
  CHECK(cache->load(source_of("../elsewhere/shop/migrations/0002_change.py", kMigration), "shop", "0002_change"));

  const auto stats = cache->stats();
  CHECK(stats.hits == 2);
  CHECK(stats.misses == 4);
  CHECK(stats.stored == 1);
  CHECK(stats.rejected == 0);
}

TEST_CASE("a damaged cache entry is ignored and rewritten, never trusted", "[cache]") {
  const godwit::test::TempDir dir;
  std::string error;
  const auto cache = IrCache::open(dir.path(), error);
  REQUIRE(cache);
  const auto source = source_of("shop/migrations/0002_change.py", kMigration);
  const Migration original = extract(source);
  cache->store(original);
  const fs::path entry = cache->entry_path(source->text(), "shop", "0002_change");
  REQUIRE(fs::is_regular_file(entry));
  const std::string good = slurp(entry);

  std::vector<std::pair<std::string, std::string>> damaged{
      {"empty", ""},
      {"magic only", good.substr(0, 8)},
      {"cut in the key", good.substr(0, 40)},
      {"cut in the payload", good.substr(0, good.size() - 7)},
      {"one byte too many", good + "x"},
      {"foreign file", "not a cache entry at all\n"},
  };
  std::string wrong_version = good;
  wrong_version[8] = static_cast<char>(wrong_version[8] + 1);
  damaged.emplace_back("another format version", wrong_version);
  std::string flipped_payload = good;
  flipped_payload[good.size() - 3] = static_cast<char>(flipped_payload[good.size() - 3] ^ 0x20);
  damaged.emplace_back("flipped payload byte", flipped_payload);
  std::string flipped_key = good;
  flipped_key[20] = static_cast<char>(flipped_key[20] ^ 0x01);
  damaged.emplace_back("flipped key byte", flipped_key);

  for (const auto& [what, bytes] : damaged) {
    INFO(what);
    overwrite(entry, bytes);
    const size_t rejected = cache->stats().rejected;
    CHECK_FALSE(cache->load(source, "shop", "0002_change"));
    CHECK(cache->stats().rejected == rejected + 1);
    // The next run extracts again and replaces the entry.
    cache->store(extract(source));
    const auto reloaded = cache->load(source, "shop", "0002_change");
    REQUIRE(reloaded);
    require_same(original, *reloaded);
    CHECK(slurp(entry) == good);
  }

  SECTION("a folder where the entry should be") {
    fs::remove(entry);
    fs::create_directory(entry);
    CHECK_FALSE(cache->load(source, "shop", "0002_change"));
    cache->store(original);  // cannot replace a folder: a failure, not an error
    CHECK(cache->stats().store_failures == 1);
    CHECK_FALSE(cache->load(source, "shop", "0002_change"));
  }
  SECTION("no temporary file is left behind") {
    for (const auto& e : fs::recursive_directory_iterator(dir.path())) {
      CHECK_FALSE(e.path().filename().string().starts_with(".tmp-"));
    }
  }
}

TEST_CASE("threads storing and loading the same entries only ever see whole entries", "[cache]") {
  const godwit::test::TempDir dir;
  std::string error;
  const auto cache = IrCache::open(dir.path(), error);
  REQUIRE(cache);
  std::vector<std::shared_ptr<const godwit::source::SourceFile>> sources;
  std::vector<Migration> originals;
  for (int i = 0; i < 8; ++i) {
    std::string text = kMigration;
    text += "# variant " + std::to_string(i) + "\n";
    sources.push_back(source_of("shop/migrations/0002_change.py", text));
    originals.push_back(extract(sources.back()));
  }
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round) {
        const size_t i = static_cast<size_t>((round + t) % 8);
        if (const auto hit = cache->load(sources[i], "shop", "0002_change")) {
          if (godwit::cache::encode_migration(*hit) != godwit::cache::encode_migration(originals[i])) ++bad;
        }
        cache->store(originals[i]);
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(bad == 0);
  CHECK(cache->stats().rejected == 0);
  CHECK(cache->stats().store_failures == 0);
}

TEST_CASE("check gives the same report with a cold cache, a warm cache and no cache", "[cache]") {
  const godwit::test::TempDir dir;
  const fs::path project = fs::path(GODWIT_SOURCE_DIR) / "samples";
  godwit::config::Config config;
  config.root = project;
  const auto run = [&](bool no_cache) {
    godwit::driver::CheckOptions options;
    options.paths = {project};
    options.format = godwit::report::Format::Json;
    options.threads = 2;
    options.no_cache = no_cache;
    options.cache_dir = dir.path() / "cache";
    std::ostringstream out;
    std::ostringstream err;
    const int code = godwit::driver::run_check(options, config, out, err);
    CHECK(err.str().empty());
    return std::to_string(code) + "\n" + out.str();
  };
  const std::string uncached = run(true);
  CHECK_FALSE(fs::exists(dir.path() / "cache"));
  const std::string cold = run(false);
  size_t entries = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir.path() / "cache" / "ir1")) entries += e.is_regular_file();
  CHECK(entries >= 20);
  const std::string warm = run(false);
  CHECK(cold == uncached);
  CHECK(warm == uncached);
}

TEST_CASE("an unusable cache folder costs a warning, never the result", "[cache]") {
  const godwit::test::TempDir dir;
  dir.write("shop/migrations/0001_initial.py",
            "from django.db import migrations\n\n\ndef f(apps, schema_editor):\n    pass\n\n\n"
            "class Migration(migrations.Migration):\n    operations = [migrations.RunPython(f)]\n");
  dir.write("not-a-folder", "a file where the cache folder should be\n");
  godwit::config::Config config;
  config.root = dir.path();
  godwit::driver::CheckOptions options;
  options.paths = {dir.path()};
  options.format = godwit::report::Format::Concise;
  options.cache_dir = dir.path() / "not-a-folder";
  std::ostringstream out;
  std::ostringstream err;
  CHECK(godwit::driver::run_check(options, config, out, err) == godwit::driver::kExitFindings);
  CHECK(out.str().find("RV001") != std::string::npos);
  CHECK(err.str().find("warning: not caching") != std::string::npos);
}
