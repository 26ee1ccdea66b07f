// The IR cache: the codec gives back exactly what extraction produced, entries are keyed by
// everything extraction depends on, and a damaged entry is never trusted.
#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "analyzer/cache/content_hash.h"
#include "analyzer/cache/ir_cache.h"
#include "analyzer/cache/ir_codec.h"
#include "analyzer/driver/analysis.h"
#include "analyzer/driver/check.h"
#include "analyzer/driver/subprocess.h"
#include "analyzer/driver/project_loader.h"
#include "analyzer/frontend/migration_extractor.h"
#include "tests/bench/project_generator.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using godwit::cache::IrCache;
using godwit::driver::run_process;
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

// `godwit check --format json` of `project` (its root) in process, with the cache in `cache_dir`
// unless `no_cache`: the exit code, a newline, the report. Nothing may go to stderr.
std::string json_report(const fs::path& project, const fs::path& cache_dir, unsigned threads, bool no_cache) {
  godwit::config::Config config;
  config.root = project;
  godwit::driver::CheckOptions options;
  options.paths = {project};
  options.format = godwit::report::Format::Json;
  options.threads = threads;
  options.no_cache = no_cache;
  options.cache_dir = cache_dir;
  std::ostringstream out;
  std::ostringstream err;
  const int code = godwit::driver::run_check(options, config, out, err);
  CHECK(err.str().empty());
  return std::to_string(code) + "\n" + out.str();
}

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

TEST_CASE("the IR codec decodes a header alone, then completes it from the body", "[cache]") {
  const auto files = corpus();
  for (const fs::path& path : files) {
    INFO(path.string());
    const auto source = source_of(path.string(), slurp(path));
    const Migration original = extract(source);
    const std::string encoded = godwit::cache::encode_migration(original);
    std::string_view body;
    const auto decode_header = [&] {
      return godwit::cache::decode_header(encoded, source, "shop", "0002_change", body);
    };
    auto header = decode_header();
    REQUIRE(header);
    // What the graph needs is there; the rest is not yet.
    CHECK(header->dependencies.size() == original.dependencies.size());
    CHECK(header->has_migration_class == original.has_migration_class);
    CHECK(header->operations.empty());
    CHECK(header->imports.empty());
    CHECK(header->functions.empty());
    CHECK(header->comments.empty());
    CHECK_FALSE(header->operations_found);
    CHECK(encoded.ends_with(body));
    // A body that does not decode leaves the rest empty.
    Migration broken = std::move(*decode_header());
    CHECK_FALSE(godwit::cache::decode_body(std::string(body) + '\0', broken));
    CHECK(broken.operations.empty());
    CHECK(broken.functions.empty());
    CHECK_FALSE(broken.safe);
    if (!body.empty()) CHECK_FALSE(godwit::cache::decode_body(body.substr(0, body.size() - 1), broken));
    REQUIRE(godwit::cache::decode_body(body, *header));
    require_same(original, *header);
    // move_body carries the whole body over, and only it.
    Migration other = extract(source, "billing", "0009_other");
    godwit::cache::move_body(other, std::move(*header));
    CHECK(other.app_label == "billing");
    CHECK(other.name == "0009_other");
    other.app_label = "shop";
    other.name = "0002_change";
    require_same(original, other);
    CHECK(header->operations.empty());
  }
}

TEST_CASE("the IR codec refuses nested containers that claim more items than the payload holds", "[cache]") {
  // A list nested 150 deep around a 400 KB string, then every list's count (1) rewritten to
  // claim 90 000 items: each level alone fits the bytes left, together they do not. Storage is
  // sized from the counts, so a decoder that checked each level alone would hold 150 arrays of
  // 90 000 values (over 500 MB) before failing; this one refuses at the second level.
  constexpr int kDepth = 150;
  const std::string head = "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
                           "    operations = [migrations.RunSQL(";
  const std::string text = head + std::string(kDepth, '[') + "'" + std::string(400000, 'x') + "'" +
                           std::string(kDepth, ']') + ")]\n";
  const auto source = source_of("shop/migrations/0002_change.py", text);
  const std::string encoded = godwit::cache::encode_migration(extract(source));
  REQUIRE(godwit::cache::decode_migration(encoded, source, "shop", "0002_change"));
  const auto varint = [](uint64_t v) {
    std::string out;
    for (; v >= 0x80; v >>= 7) out += static_cast<char>((v & 0x7F) | 0x80);
    return out + static_cast<char>(v);
  };
  constexpr char kList = 8;  // Value::Kind::List
  std::string crafted = encoded;
  for (int level = 0; level < kDepth; ++level) {
    const auto begin = static_cast<uint64_t>(head.size() + level);
    const auto end = static_cast<uint64_t>(text.size() - 3 - level);  // just after its `]`
    const std::string list = std::string{kList, '\0'} + varint(begin) + varint(end) + '\x01';
    const size_t at = crafted.find(list);
    REQUIRE(at != std::string::npos);
    crafted.replace(at, list.size(), list.substr(0, list.size() - 1) + varint(90000));
  }
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  CHECK_FALSE(godwit::cache::decode_migration(crafted, source, "shop", "0002_change"));
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  CHECK(after.ru_maxrss - before.ru_maxrss < 200 * 1024);  // KB
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

namespace {

// A project folder with shop/migrations/<name>.py for each text, and a cache beside it.
struct CacheFixture {
  godwit::test::TempDir dir;
  fs::path migrations = dir.path() / "project" / "shop" / "migrations";
  std::unique_ptr<IrCache> cache;

  CacheFixture() {
    std::string error;
    cache = IrCache::open(dir.path() / "cache", error);
    REQUIRE(cache);
    fs::create_directories(migrations);
  }
  std::shared_ptr<const godwit::source::SourceFile> module(const std::string& name, const std::string& text) const {
    overwrite(migrations / (name + ".py"), text);
    return source_of("shop/migrations/" + name + ".py", text);
  }
  [[nodiscard]] fs::path pack() const { return cache->pack_path(migrations); }
};

std::string variant(int i) { return std::string(kMigration) + "# variant " + std::to_string(i) + "\n"; }

}  // namespace

TEST_CASE("a cache entry is found for the same bytes, app and name only", "[cache]") {
  CacheFixture f;
  CHECK(fs::exists(f.dir.path() / "cache" / ".gitignore"));
  CHECK(slurp(f.dir.path() / "cache" / ".gitignore").find("\n*\n") != std::string::npos);
  CHECK(slurp(f.dir.path() / "cache" / "CACHEDIR.TAG").starts_with("Signature: 8a477f597d28d172789f06886806bc55"));

  const auto source = f.module("0002_change", kMigration);
  const Migration original = extract(source);
  {
    auto folder = f.cache->folder(f.migrations);
    CHECK_FALSE(folder->load(source, "shop", "0002_change"));
    folder->store(original);
    folder->commit();
  }
  REQUIRE(fs::is_regular_file(f.pack()));
  auto folder = f.cache->folder(f.migrations);
  const auto hit = folder->load(source, "shop", "0002_change");
  REQUIRE(hit);
  require_same(original, *hit);
  CHECK(hit->source == source);

  CHECK_FALSE(folder->load(source, "billing", "0002_change"));
  CHECK_FALSE(folder->load(source, "shop", "0003_change"));
  std::string edited = kMigration;
  edited.replace(edited.find("legacy"), 6, "legaxy");
  CHECK_FALSE(folder->load(source_of("shop/migrations/0002_change.py", edited), "shop", "0002_change"));
  // The display path is not part of the key: the same file seen from elsewhere is a hit.
  CHECK(folder->load(source_of("../elsewhere/shop/migrations/0002_change.py", kMigration), "shop", "0002_change"));
  // Another folder has a pack of its own.
  CHECK(f.cache->pack_path(f.dir.path() / "other" / "migrations") != f.pack());
  CHECK_FALSE(f.cache->folder(f.dir.path() / "other" / "migrations")->load(source, "shop", "0002_change"));

  // A run that found everything it needed writes nothing.
  const auto written = fs::last_write_time(f.pack());
  folder->commit();
  CHECK(fs::last_write_time(f.pack()) == written);

  const auto stats = f.cache->stats();
  CHECK(stats.hits == 2);
  CHECK(stats.misses == 5);
  CHECK(stats.packs_written == 1);
  CHECK(stats.rejected == 0);
}

TEST_CASE("a damaged, truncated, foreign or stale pack is ignored and rewritten, never trusted", "[cache]") {
  CacheFixture f;
  const auto source = f.module("0002_change", kMigration);
  const Migration original = extract(source);
  {
    auto folder = f.cache->folder(f.migrations);
    folder->store(original);
    folder->commit();
  }
  const std::string good = slurp(f.pack());
  const std::string& version = godwit::cache::current_extractor().godwit_version;
  REQUIRE(good.find(version) != std::string::npos);

  std::vector<std::pair<std::string, std::string>> damaged{
      {"empty", ""},
      {"magic only", good.substr(0, 8)},
      {"cut in the key", good.substr(0, 40)},
      {"cut in the entry", good.substr(0, good.size() - 50)},
      {"cut in the entry's digest", good.substr(0, good.size() - 7)},
      {"foreign file", "not a cache file at all\n"},
  };
  std::string wrong_format = good;
  wrong_format[8] = static_cast<char>(wrong_format[8] + 1);
  damaged.emplace_back("another format version", wrong_format);
  std::string wrong_version = good;
  wrong_version[wrong_version.find(version) + version.size() - 1] ^= 0x01;
  damaged.emplace_back("written by another godwit version", wrong_version);
  std::string flipped_payload = good;
  flipped_payload[good.size() - 30] = static_cast<char>(flipped_payload[good.size() - 30] ^ 0x20);
  damaged.emplace_back("flipped payload byte", flipped_payload);
  std::string flipped_name = good;
  const size_t name_at = good.find("0002_change");
  REQUIRE(name_at != std::string::npos);
  flipped_name[name_at] = '1';
  damaged.emplace_back("flipped module name", flipped_name);
  {
    // The pack of another folder, copied where this one's should be.
    const fs::path other = f.dir.path() / "project" / "billing" / "migrations";
    auto folder = f.cache->folder(other);
    folder->store(original);
    folder->commit();
    damaged.emplace_back("another folder's pack", slurp(f.cache->pack_path(other)));
  }

  for (const auto& [what, bytes] : damaged) {
    INFO(what);
    overwrite(f.pack(), bytes);
    const size_t rejected = f.cache->stats().rejected;
    auto folder = f.cache->folder(f.migrations);
    CHECK(f.cache->stats().rejected == rejected + 1);
    CHECK_FALSE(folder->load(source, "shop", "0002_change"));
    // The run extracts again and writes the pack back whole.
    folder->store(extract(source));
    folder->commit();
    CHECK(slurp(f.pack()) == good);
    const auto reloaded = f.cache->folder(f.migrations)->load(source, "shop", "0002_change");
    REQUIRE(reloaded);
    require_same(original, *reloaded);
  }

  SECTION("bytes after the last entry: the entries before them are checksummed, so they are used") {
    overwrite(f.pack(), good + "x");
    const size_t rejected = f.cache->stats().rejected;
    auto folder = f.cache->folder(f.migrations);
    CHECK(f.cache->stats().rejected == rejected + 1);
    const auto hit = folder->load(source, "shop", "0002_change");
    REQUIRE(hit);
    require_same(original, *hit);
    folder->commit();
    CHECK(slurp(f.pack()) == good);
  }
  SECTION("a folder where the pack should be") {
    fs::remove(f.pack());
    fs::create_directory(f.pack());
    auto folder = f.cache->folder(f.migrations);
    CHECK_FALSE(folder->load(source, "shop", "0002_change"));
    folder->store(original);
    const size_t failures = f.cache->stats().write_failures;
    folder->commit();  // cannot replace a folder: a failure, not an error
    CHECK(f.cache->stats().write_failures == failures + 1);
    CHECK_FALSE(f.cache->folder(f.migrations)->load(source, "shop", "0002_change"));
  }
  SECTION("no temporary file is left behind") {
    for (const auto& e : fs::recursive_directory_iterator(f.dir.path())) {
      CHECK_FALSE(e.path().filename().string().starts_with(".tmp-"));
    }
  }
}

TEST_CASE("a damaged entry costs itself and what follows it, never the entries before it", "[cache]") {
  CacheFixture f;
  std::vector<std::shared_ptr<const godwit::source::SourceFile>> sources;
  {
    auto folder = f.cache->folder(f.migrations);
    for (int i = 1; i <= 3; ++i) {
      sources.push_back(f.module("000" + std::to_string(i) + "_change", variant(i)));
      folder->store(extract(sources.back(), "shop", "000" + std::to_string(i) + "_change"));
    }
    folder->commit();
  }
  const std::string good = slurp(f.pack());
  // Entries are written in name order: damage the second.
  std::string bytes = good;
  const size_t second = good.find("0002_change");
  const size_t third = good.find("0003_change");
  REQUIRE(second < third);
  bytes[(second + third) / 2] = static_cast<char>(bytes[(second + third) / 2] ^ 0x01);
  overwrite(f.pack(), bytes);
  auto folder = f.cache->folder(f.migrations);
  CHECK(f.cache->stats().rejected == 1);
  CHECK(folder->load(sources[0], "shop", "0001_change"));
  CHECK_FALSE(folder->load(sources[1], "shop", "0002_change"));
  CHECK_FALSE(folder->load(sources[2], "shop", "0003_change"));
  folder->store(extract(sources[1], "shop", "0002_change"));
  folder->store(extract(sources[2], "shop", "0003_change"));
  folder->commit();
  CHECK(slurp(f.pack()) == good);
}

TEST_CASE("a pack keeps the entries of modules that exist and drops those of edited or deleted ones", "[cache]") {
  CacheFixture f;
  std::vector<std::shared_ptr<const godwit::source::SourceFile>> sources;
  {
    auto folder = f.cache->folder(f.migrations);
    for (int i = 1; i <= 3; ++i) {
      sources.push_back(f.module("000" + std::to_string(i) + "_change", variant(i)));
      folder->store(extract(sources.back(), "shop", "000" + std::to_string(i) + "_change"));
    }
    folder->commit();
  }
  const auto size_with_three = fs::file_size(f.pack());
  fs::remove(f.migrations / "0003_change.py");
  const auto edited = f.module("0001_change", variant(10));
  {
    // A run that reads 0001 only (edited since): 0002 is kept, 0003 (deleted) goes.
    auto folder = f.cache->folder(f.migrations);
    CHECK_FALSE(folder->load(edited, "shop", "0001_change"));
    folder->store(extract(edited, "shop", "0001_change"));
    folder->commit();
  }
  CHECK(fs::file_size(f.pack()) < size_with_three);
  auto folder = f.cache->folder(f.migrations);
  CHECK(folder->load(edited, "shop", "0001_change"));
  CHECK_FALSE(folder->load(sources[0], "shop", "0001_change"));  // the old bytes of 0001
  CHECK(folder->load(sources[1], "shop", "0002_change"));
  CHECK_FALSE(folder->load(sources[2], "shop", "0003_change"));
}

TEST_CASE("threads loading and storing, and runs committing the same pack, only ever see whole packs", "[cache]") {
  CacheFixture f;
  std::vector<std::shared_ptr<const godwit::source::SourceFile>> sources;
  std::vector<Migration> originals;
  for (int i = 0; i < 8; ++i) {
    const std::string name = "000" + std::to_string(i) + "_change";
    sources.push_back(f.module(name, variant(i)));
    originals.push_back(extract(sources.back(), "shop", name));
  }
  std::atomic<int> bad{0};
  // Each thread is a run of its own: it opens the folder, loads or stores every module, commits.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 25; ++round) {
        auto folder = f.cache->folder(f.migrations);
        std::vector<std::thread> workers;
        for (int w = 0; w < 2; ++w) {
          workers.emplace_back([&, w] {
            for (size_t i = static_cast<size_t>(w); i < originals.size(); i += 2) {
              const size_t k = (i + static_cast<size_t>(t + round)) % originals.size();
              if (const auto hit = folder->load(sources[k], "shop", originals[k].name)) {
                if (godwit::cache::encode_migration(*hit) != godwit::cache::encode_migration(originals[k])) ++bad;
              } else {
                folder->store(originals[k]);
              }
            }
          });
        }
        for (auto& w : workers) w.join();
        folder->commit();
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(bad == 0);
  CHECK(f.cache->stats().rejected == 0);
  CHECK(f.cache->stats().write_failures == 0);
  auto folder = f.cache->folder(f.migrations);
  for (size_t i = 0; i < originals.size(); ++i) CHECK(folder->load(sources[i], "shop", originals[i].name));
}

TEST_CASE("check gives the same report with a cold cache, a warm cache and no cache", "[cache]") {
  const godwit::test::TempDir dir;
  const fs::path project = fs::path(GODWIT_SOURCE_DIR) / "samples";
  const auto run = [&](bool no_cache) { return json_report(project, dir.path() / "cache", 2, no_cache); };
  const std::string uncached = run(true);
  CHECK_FALSE(fs::exists(dir.path() / "cache"));
  const std::string cold = run(false);
  size_t packs = 0;
  for (const auto& e : fs::directory_iterator(dir.path() / "cache" / ("ir" + std::to_string(godwit::cache::kIrFormatVersion)))) packs += e.path().extension() == ".pack";
  CHECK(packs >= 3);  // one per migrations folder
  const std::string warm = run(false);
  CHECK(cold == uncached);
  CHECK(warm == uncached);
}

TEST_CASE("godwit processes running at once on one cache give the report of no cache", "[cache]") {
  const godwit::test::TempDir dir;
  const fs::path project = dir.path() / "project";
  godwit::bench::generate_project(project, {.files = 400, .apps = 6, .seed = 5});
  const std::string cache_dir = (dir.path() / "cache").string();
  const auto check = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> argv{GODWIT_BINARY, "check", "--format", "json", "--threads", "2"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_process(argv, project.string());
  };
  const auto uncached = check({"--no-cache"});
  REQUIRE(uncached.exit_code == 1);
  for (const char* when : {"cold", "warm"}) {
    INFO(when << " cache");
    std::vector<godwit::driver::ProcessResult> results(3);
    std::vector<std::thread> runs;
    for (auto& result : results) runs.emplace_back([&] { result = check({"--cache-dir", cache_dir}); });
    for (auto& run : runs) run.join();
    for (const auto& result : results) {
      CHECK(result.err.empty());
      CHECK(result.exit_code == uncached.exit_code);
      CHECK(result.out == uncached.out);
    }
  }
  CHECK(check({"--cache-dir", cache_dir}).out == uncached.out);
}

TEST_CASE("an unusable cache folder costs at most a warning, never the result", "[cache]") {
  const godwit::test::TempDir dir;
  dir.write("shop/migrations/0001_initial.py",
            "from django.db import migrations\n\n\ndef f(apps, schema_editor):\n    pass\n\n\n"
            "class Migration(migrations.Migration):\n    operations = [migrations.RunPython(f)]\n");
  dir.write("not-a-folder", "a file where the cache folder should be\n");
  godwit::config::Config config;
  config.root = dir.path();
  const auto check = [&](const fs::path& cache_dir, bool chosen) {
    godwit::driver::CheckOptions options;
    options.paths = {dir.path()};
    options.format = godwit::report::Format::Concise;
    if (chosen) options.cache_dir = cache_dir;
    std::ostringstream out;
    std::ostringstream err;
    CHECK(godwit::driver::run_check(options, config, out, err) == godwit::driver::kExitFindings);
    CHECK(out.str().find("RV001") != std::string::npos);
    return err.str();
  };

  SECTION("a file where the folder should be") {
    CHECK(check(dir.path() / "not-a-folder", true).find("warning: not caching") != std::string::npos);
    CHECK(check(dir.path() / "not-a-folder" / "cache", true).find("warning: not caching") != std::string::npos);
  }
  SECTION("a folder godwit may not write in") {
    const fs::path cache_dir = dir.path() / "read-only";
    CHECK(check(cache_dir, true).empty());  // filled once
    for (const auto& e : fs::recursive_directory_iterator(cache_dir)) {
      if (e.is_directory()) fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::remove);
    }
    fs::permissions(cache_dir, fs::perms::owner_write, fs::perm_options::remove);
    // Editing the module makes the run want to write the pack back; it cannot (unless the tests
    // run as root, which writes anyway): the result is the same.
    dir.write("shop/migrations/0001_initial.py",
              "from django.db import migrations\n\n\ndef f(apps, schema_editor):\n    return None\n\n\n"
              "class Migration(migrations.Migration):\n    operations = [migrations.RunPython(f)]\n");
    check(cache_dir, true);
    for (const auto& e : fs::recursive_directory_iterator(cache_dir)) {
      if (e.is_directory()) fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
    }
    fs::permissions(cache_dir, fs::perms::owner_write, fs::perm_options::add);
  }
  SECTION("the default folder, in a project godwit may not write in, goes unused without a word") {
    const fs::path blocked = dir.path() / ".godwit_cache";
    dir.write(".godwit_cache", "a file where the default cache folder would be\n");
    // The tests point GODWIT_CACHE_DIR elsewhere; this case is about the default.
    const char* set = std::getenv("GODWIT_CACHE_DIR");
    const std::string saved = set != nullptr ? set : "";
    ::unsetenv("GODWIT_CACHE_DIR");
    CHECK(check({}, false).empty());
    if (set != nullptr) ::setenv("GODWIT_CACHE_DIR", saved.c_str(), 1);
    CHECK(fs::is_regular_file(blocked));
  }
}

namespace {

// Sets a file's modification time `days` days back from now.
void age(const fs::path& path, int days) {
  const auto when = fs::file_time_type::clock::now() - std::chrono::hours(24 * days);
  fs::last_write_time(path, when);
}

int days_old(const fs::path& path) {
  return static_cast<int>(
      std::chrono::duration_cast<std::chrono::hours>(fs::file_time_type::clock::now() - fs::last_write_time(path)).count() /
      24);
}

}  // namespace

TEST_CASE("the cache sweeps packs unused for a month and abandoned temporary files, daily", "[cache]") {
  CacheFixture f;
  const fs::path cache_dir = f.dir.path() / "cache";
  const auto source = f.module("0002_change", kMigration);
  {
    auto folder = f.cache->folder(f.migrations);
    folder->store(extract(source));
    folder->commit();
  }
  REQUIRE(fs::is_regular_file(f.pack()));
  const fs::path current = f.pack().parent_path();
  CHECK_FALSE(fs::exists(cache_dir / ".last-sweep"));  // opening does not sweep: a run sweeps once it has read
  f.cache->sweep();
  REQUIRE(fs::is_regular_file(cache_dir / ".last-sweep"));

  // Reading a pack in use that is more than a day old refreshes it, so a sweep after the run
  // that read it keeps it.
  age(f.pack(), 31);
  CHECK(f.cache->folder(f.migrations)->load(source, "shop", "0002_change"));
  CHECK(days_old(f.pack()) == 0);

  // What the sweep may remove, and what it must leave.
  const std::string hex = "0123456789abcdef0123456789abcdef";
  const fs::path unused = current / (hex + ".pack");  // a folder gone, or another version's
  const fs::path recent = current / "fedcba9876543210fedcba9876543210.pack";
  const fs::path dead_temp = current / (".tmp-4242-0-" + hex + ".pack");
  const fs::path live_temp = current / (".tmp-4243-0-" + hex + ".pack");
  const fs::path foreign = current / "notes.txt";     // not a name godwit gives: never touched
  const fs::path foreign_pack = current / "old.pack";
  const fs::path old_format = cache_dir / "ir1";      // another format version's packs
  const fs::path empty_format = cache_dir / "ir0";    // emptied long ago
  const fs::path other_dir = cache_dir / "kept";      // not a format folder
  fs::create_directories(old_format);
  fs::create_directories(empty_format);
  fs::create_directories(other_dir);
  for (const auto& p : {unused, recent, dead_temp, live_temp, foreign, foreign_pack, old_format / (hex + ".pack"),
                        other_dir / (hex + ".pack")}) {
    overwrite(p, "x");
  }
  for (const auto& p : {unused, old_format / (hex + ".pack"), other_dir / (hex + ".pack"), foreign, foreign_pack}) age(p, 31);
  age(recent, 29);
  age(dead_temp, 2);
  age(empty_format, 60);
  const fs::path link = current / "abcdefabcdefabcdefabcdefabcdefab.pack";  // a symlink: neither it nor its target goes
  fs::create_symlink(other_dir / (hex + ".pack"), link);
  // A format folder's name on a symlink to a folder of old packs: never looked into.
  const fs::path elsewhere = f.dir.path() / "elsewhere";
  fs::create_directories(elsewhere);
  overwrite(elsewhere / (hex + ".pack"), "x");
  age(elsewhere / (hex + ".pack"), 31);
  age(elsewhere, 60);
  fs::create_directory_symlink(elsewhere, cache_dir / "ir8");

  // The sweep ran less than a day ago: nothing goes.
  f.cache->sweep();
  CHECK(fs::exists(unused));
  CHECK(fs::exists(dead_temp));

  age(cache_dir / ".last-sweep", 2);
  f.cache->sweep();
  CHECK_FALSE(fs::exists(unused));
  CHECK_FALSE(fs::exists(dead_temp));
  CHECK_FALSE(fs::exists(old_format / (hex + ".pack")));
  CHECK(fs::is_directory(old_format));  // just emptied: a run of that version may be about to write
  CHECK_FALSE(fs::exists(empty_format));
  CHECK(fs::exists(recent));
  CHECK(fs::exists(live_temp));
  CHECK(fs::exists(foreign));
  CHECK(fs::exists(foreign_pack));
  CHECK(fs::exists(f.pack()));
  CHECK(fs::exists(other_dir / (hex + ".pack")));
  CHECK(fs::is_symlink(link));
  CHECK(fs::exists(elsewhere / (hex + ".pack")));
  CHECK(fs::is_symlink(cache_dir / "ir8"));
  CHECK(days_old(cache_dir / ".last-sweep") == 0);
  // The cache still works after the sweep.
  CHECK(f.cache->folder(f.migrations)->load(source, "shop", "0002_change"));
}

namespace {

// Appends a byte to the first entry's record (and mends its length and digest): a checksummed
// entry whose header decodes and whose body does not, as a broken build could write it.
void break_first_body(const fs::path& pack) {
  std::string bytes = slurp(pack);
  const auto le = [&](size_t at, int width) {
    uint64_t v = 0;
    for (int i = 0; i < width; ++i) v |= uint64_t{static_cast<unsigned char>(bytes[at + i])} << (8 * i);
    return v;
  };
  const auto put = [&](size_t at, uint64_t v, int width) {
    for (int i = 0; i < width; ++i) bytes[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  const size_t at = 16 + le(12, 4);  // magic, format, key length, key
  const size_t record_size = le(at, 4);
  bytes.insert(at + 4 + record_size, 1, '\0');
  put(at, record_size + 1, 4);
  const auto d = godwit::cache::digest(std::string_view(bytes).substr(at + 4, record_size + 1));
  put(at + 4 + record_size + 1, d.lo, 8);
  put(at + 4 + record_size + 1 + 8, d.hi, 8);
  overwrite(pack, bytes);
}

}  // namespace

TEST_CASE("bodies left to the replay give the report of no cache on any thread count", "[cache]") {
  const godwit::test::TempDir dir;
  const fs::path project = dir.path() / "project";
  godwit::bench::generate_project(project, {.files = 300, .apps = 5, .seed = 11});
  const auto run = [&](unsigned threads, bool no_cache) {
    return json_report(project, dir.path() / "cache", threads, no_cache);
  };
  const std::string uncached = run(1, true);
  REQUIRE(uncached.find("\"rule\"") != std::string::npos);
  CHECK(run(2, false) == uncached);  // cold
  for (const unsigned threads : {1u, 2u, 3u, 8u}) {
    INFO("--threads " << threads);
    CHECK(run(threads, false) == uncached);
  }

  SECTION("a folder some of whose modules changed: their IR is extracted and stored beside the deferred bodies") {
    std::string error;
    const auto cache = IrCache::open(dir.path() / "cache", error);
    REQUIRE(cache);
    const fs::path folder = project / "core" / "migrations";
    const fs::path pack = cache->pack_path(folder);
    const std::string before = slurp(pack);
    size_t edited = 0;
    for (const auto& entry : fs::directory_iterator(folder)) {
      const std::string name = entry.path().filename().string();
      if (name.ends_with(".py") && name != "__init__.py" && name[3] % 3 == 0) {
        overwrite(entry.path(), slurp(entry.path()) + "# edited\n");
        ++edited;
      }
    }
    REQUIRE(edited > 3);
    const std::string changed = run(1, true);
    CHECK(run(2, false) == changed);
    const std::string after = slurp(pack);
    CHECK(after != before);
    CHECK(run(2, false) == changed);
    CHECK(slurp(pack) == after);  // nothing left to store: every entry was current
  }

  SECTION("a body that does not decode is extracted again, and its entry replaced") {
    std::string error;
    const auto cache = IrCache::open(dir.path() / "cache", error);
    REQUIRE(cache);
    const fs::path pack = cache->pack_path(project / "core" / "migrations");
    const std::string good = slurp(pack);
    break_first_body(pack);
    REQUIRE(slurp(pack) != good);
    for (const unsigned threads : {1u, 2u}) {
      INFO("--threads " << threads);
      CHECK(run(threads, false) == uncached);
      CHECK(slurp(pack) == good);  // written back as extraction makes it
      break_first_body(pack);
    }
  }
}

TEST_CASE("every body left to the replay is complete once the bodies are finished or destroyed", "[cache]") {
  const godwit::test::TempDir dir;
  const fs::path project = dir.path() / "project";
  godwit::bench::generate_project(project, {.files = 150, .apps = 4, .seed = 3});
  godwit::config::Config config;
  config.root = project;
  std::string error;
  const auto cache = IrCache::open(dir.path() / "cache", error);
  REQUIRE(cache);
  godwit::driver::AnalysisOptions options;
  options.paths = {project};
  options.cache = cache.get();
  const godwit::driver::LoadedProject reference = godwit::driver::load(options, config, project);  // fills the cache
  REQUIRE(reference.project.files.size() > 100);
  const auto require_complete = [&](const godwit::engine::Project& loaded) {
    REQUIRE(loaded.files.size() == reference.project.files.size());
    for (size_t i = 0; i < loaded.files.size(); ++i) require_same(reference.project.files[i].migration, loaded.files[i].migration);
  };
  for (const unsigned threads : {1u, 2u, 4u}) {
    INFO("threads " << threads);
    options.threads = threads;
    for (const char* how : {"replayed", "finished", "destroyed"}) {
      INFO(how);
      const size_t hits = cache->stats().hits;
      godwit::driver::LoadedProject loaded;
      {
        godwit::driver::DeferredBodies bodies(threads);
        loaded = godwit::driver::load(options, config, project, &bodies);
        REQUIRE_FALSE(bodies.empty());
        CHECK(cache->stats().hits - hits == reference.project.files.size());
        // Deferred: the operations are not there until the bodies are bound (which starts the
        // other threads decoding them).
        const auto with_operations = std::find_if(reference.project.files.begin(), reference.project.files.end(),
                                                  [](const auto& f) { return !f.migration.operations.empty(); });
        REQUIRE(with_operations != reference.project.files.end());
        CHECK(loaded.project.files[static_cast<size_t>(with_operations - reference.project.files.begin())]
                  .migration.operations.empty());
        bodies.bind(loaded.project.files);
        if (std::string_view(how) == "replayed") {
          // In reverse order, every one asked for.
          std::vector<const Migration*> order;
          for (const auto& f : loaded.project.files) order.insert(order.begin(), &f.migration);
          bodies.start(order);
          for (const Migration* m : order) bodies.ensure(*m);
          bodies.finish();
        } else if (std::string_view(how) == "finished") {
          bodies.finish();
        }
      }
      require_complete(loaded.project);
    }
  }
  CHECK(cache->stats().rejected == 0);
}
