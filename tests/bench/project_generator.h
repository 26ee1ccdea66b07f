#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace godwit::bench {

// What to generate. The same options always give the same bytes, on every platform.
struct GeneratorOptions {
  size_t files = 10'000;  // migration modules (squashes and merges included; __init__.py not counted)
  size_t apps = 0;        // 0: 50 + files / 1000
  uint64_t seed = 1;
};

struct GeneratedProject {
  size_t files = 0;  // migration modules written
  size_t bytes = 0;  // their total size
  size_t apps = 0;
  size_t largest_app = 0;  // migrations in the biggest app (the deep history)
  size_t squashes = 0;
  size_t merges = 0;
  size_t operations = 0;
  size_t cross_app_dependencies = 0;
};

// Writes a Django-shaped project under `root`: `<app>/migrations/__init__.py` and the app's
// migration history, as makemigrations would have written it over years of development. One app
// (`core`) holds 15% of the files (a 1,500-migration history at 10,000 files); the others follow
// a long tail. Apps depend on earlier apps (foreign keys, swappable user model), histories have
// merge migrations after parallel branches and squashed migrations whose replaced files are
// still present, and the operations are the usual mix: CreateModel with many fields, AddField,
// AlterField, RemoveField, RenameField, indexes and constraints, RunPython with forward and
// reverse functions, RunSQL, model options. Some of them are unsafe, as in real projects.
GeneratedProject generate_project(const std::filesystem::path& root, const GeneratorOptions& options);

}  // namespace godwit::bench
