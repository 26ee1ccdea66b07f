// godwit_bench: generates a realistic Django project and measures every stage of godwit against
// the floor, a tree-sitter parse of every file. Not a test: numbers are printed, never asserted.
//
//   godwit_bench [--files N] [--threads N] [--scaling 1000,5000,10000] [--dir DIR] [--seed N]
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "analyzer/discovery/discovery.h"
#include "analyzer/driver/analysis.h"
#include "analyzer/driver/project_loader.h"
#include "analyzer/engine/engine.h"
#include "analyzer/frontend/migration_extractor.h"
#include "analyzer/frontend/python_parser.h"
#include "analyzer/graph/migration_graph.h"
#include "analyzer/state/project_state.h"
#include "rules/registry.h"
#include "tests/bench/project_generator.h"

namespace fs = std::filesystem;
using namespace godwit;

namespace {

struct Times {
  double cpu = 0;   // seconds of CPU, all threads of this process
  double wall = 0;  // seconds
};

double process_cpu() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double wall_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The best of `repeat` runs (the least disturbed by other processes on the machine).
Times measure(const std::function<void()>& work, int repeat = 1) {
  Times best{1e300, 1e300};
  for (int i = 0; i < repeat; ++i) {
    const double c0 = process_cpu();
    const double w0 = wall_now();
    work();
    best.cpu = std::min(best.cpu, process_cpu() - c0);
    best.wall = std::min(best.wall, wall_now() - w0);
  }
  return best;
}

struct Corpus {
  std::vector<discovery::MigrationPath> paths;
  std::vector<std::shared_ptr<const source::SourceFile>> sources;
  size_t bytes = 0;
};

Corpus read_corpus(const fs::path& root) {
  Corpus corpus;
  config::Config config;
  config.root = root;
  corpus.paths = discovery::discover({root}, config, root).files;
  for (const auto& p : corpus.paths) {
    std::string text;
    std::string error;
    if (!driver::read_file(p.path, text, error)) {
      std::cerr << "godwit_bench: " << p.display << ": " << error << "\n";
      std::exit(2);
    }
    corpus.bytes += text.size();
    corpus.sources.push_back(std::make_shared<const source::SourceFile>(p.display, std::move(text)));
  }
  return corpus;
}

// Stage costs of one project, on one thread.
struct StageTimes {
  size_t files = 0;
  size_t bytes = 0;
  size_t operations = 0;
  size_t diagnostics = 0;
  Times read;
  Times parse;      // tree-sitter only: the floor
  Times extract;    // parse + extract (the frontend)
  Times graph_state;
  Times engine;     // graph + state + phases + rules
  Times full;       // driver::analyze without cache: discover, read, parse, extract, engine
};

StageTimes measure_stages(const fs::path& root, int repeat) {
  StageTimes t;
  Corpus corpus;
  t.read = measure([&] { corpus = read_corpus(root); }, repeat);
  t.files = corpus.sources.size();
  t.bytes = corpus.bytes;
  t.parse = measure(
      [&] {
        frontend::PythonParser parser;
        for (const auto& s : corpus.sources) {
          if (!parser.parse(s)) std::abort();
        }
      },
      repeat);
  engine::Project project;
  t.extract = measure(
      [&] {
        project.files.clear();
        frontend::PythonParser parser;
        for (size_t i = 0; i < corpus.sources.size(); ++i) {
          const auto& p = corpus.paths[i];
          project.files.push_back(engine::ProjectFile{frontend::read_migration(parser, corpus.sources[i], p.app_label, p.name)});
        }
      },
      repeat);
  for (const auto& f : project.files) t.operations += f.migration.operations.size();
  config::Config config;
  config.root = root;
  std::vector<const ir::Migration*> modules;
  for (const auto& f : project.files) modules.push_back(&f.migration);
  t.graph_state = measure(
      [&] {
        const auto graph = graph::MigrationGraph::build(modules, config);
        const auto state = state::replay(graph, graph.plan(), config.swappable);
        if (state.models().empty()) std::abort();
      },
      repeat);
  const auto rules = rules::all_rules();
  std::vector<std::string> errors;
  const engine::Engine engine(rules, config, errors);
  t.engine = measure([&] { t.diagnostics = engine.run(project).diagnostics.size(); }, repeat);
  t.full = measure(
      [&] {
        driver::AnalysisOptions options;
        options.paths = {root};
        options.threads = 1;
        if (driver::analyze(options, config, root).diagnostics.size() != t.diagnostics) std::abort();
      },
      repeat);
  return t;
}

// `godwit check` as a user runs it, in a child process: wall time and peak resident memory.
struct ChildRun {
  double wall = 0;
  double cpu = 0;
  long max_rss_kb = 0;
  int exit_code = -1;
};

ChildRun run_godwit(const std::vector<std::string>& args, const fs::path& cwd) {
  std::vector<char*> argv;
  std::vector<std::string> storage = args;
  for (auto& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  const double w0 = wall_now();
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(cwd.c_str()) != 0) _exit(127);
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDOUT_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  ChildRun r;
  r.wall = wall_now() - w0;
  r.cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
          static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
  r.max_rss_kb = usage.ru_maxrss;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string fixed(double value, int decimals = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string pad(std::string text, size_t width) {
  if (text.size() < width) text.insert(0, width - text.size(), ' ');
  return text;
}

std::vector<size_t> parse_sizes(const std::string& text) {
  std::vector<size_t> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(std::stoul(item));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  bench::GeneratorOptions options;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<size_t> scaling{1000, 5000, 10000};
  fs::path dir;
  int repeat = 1;
  bool generate_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "godwit_bench: " << arg << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--files") {
      options.files = std::stoul(value());
    } else if (arg == "--threads") {
      threads = static_cast<unsigned>(std::stoul(value()));
    } else if (arg == "--scaling") {
      scaling = parse_sizes(value());
    } else if (arg == "--dir") {
      dir = value();
    } else if (arg == "--seed") {
      options.seed = std::stoull(value());
    } else if (arg == "--repeat") {
      repeat = std::stoi(value());
    } else if (arg == "--generate-only") {
      generate_only = true;
    } else {
      std::cerr << "usage: godwit_bench [--files N] [--threads N] [--scaling N,N,...] [--dir DIR] [--seed N] "
                   "[--repeat N] [--generate-only]\n";
      return 2;
    }
  }
  const bool temporary = dir.empty();
  if (temporary) dir = fs::temp_directory_path() / ("godwit-bench-" + std::to_string(getpid()));
  fs::remove_all(dir);

  const fs::path main_root = dir / "project";
  const bench::GeneratedProject project = bench::generate_project(main_root, options);
  std::cout << "godwit_bench: " << project.files << " migration files, " << fixed(static_cast<double>(project.bytes) / 1e6, 1)
            << " MB, " << project.apps << " apps (largest history " << project.largest_app << " migrations), "
            << project.operations << " operations, " << project.squashes << " squashes, " << project.merges
            << " merges, " << project.cross_app_dependencies << " cross-app dependencies\n\n";
  if (generate_only) {
    std::cout << "written to " << main_root.string() << "\n";
    return 0;
  }

  const StageTimes t = measure_stages(main_root, repeat);
  const double mb = static_cast<double>(t.bytes) / 1e6;
  const auto row = [&](const std::string& name, const Times& times, const std::string& note = {}) {
    std::cout << "  " << name << pad(fixed(times.cpu, 3), 9) << " s CPU" << pad(fixed(times.wall, 3), 9) << " s wall  "
              << pad(fixed(static_cast<double>(t.files) / times.cpu, 0), 8) << " files/s"
              << pad(fixed(mb / times.cpu, 1), 7) << " MB/s  " << note << "\n";
  };
  std::cout << "stages, one thread (" << t.diagnostics << " diagnostics):\n";
  row("read files          ", t.read);
  row("parse only (floor)  ", t.parse);
  row("parse + extract     ", t.extract);
  row("graph + state       ", t.graph_state);
  row("engine (graph+state+rules)", t.engine);
  row("full, no cache      ", t.full, "= " + fixed(t.full.cpu / t.parse.cpu) + "x parse-only CPU");
  std::cout << "\n";

  const std::string binary = GODWIT_BINARY;
  const ChildRun one = run_godwit({binary, "check", "--format", "json", "--threads", "1", "."}, main_root);
  const ChildRun all = run_godwit({binary, "check", "--format", "json", "--threads", std::to_string(threads), "."}, main_root);
  std::cout << "godwit check --format json (child process, peak RSS from wait4):\n";
  std::cout << "  1 thread : " << fixed(one.wall) << " s wall, " << fixed(one.cpu) << " s CPU, "
            << one.max_rss_kb / 1024 << " MB peak\n";
  std::cout << "  " << threads << " threads: " << fixed(all.wall) << " s wall, " << fixed(all.cpu) << " s CPU, "
            << all.max_rss_kb / 1024 << " MB peak  = " << fixed(all.wall / one.wall) << "x one thread's wall\n\n";

  std::cout << "scaling (one thread, CPU seconds; per-file cost in microseconds):\n";
  std::cout << "   files       MB   parse  extract  graph+state  engine    full   us/file(full)\n";
  for (const size_t n : scaling) {
    bench::GeneratorOptions o = options;
    o.files = n;
    const fs::path root = dir / ("scaling-" + std::to_string(n));
    bench::generate_project(root, o);
    const StageTimes s = measure_stages(root, repeat);
    std::cout << pad(std::to_string(s.files), 8) << pad(fixed(static_cast<double>(s.bytes) / 1e6, 1), 9)
              << pad(fixed(s.parse.cpu, 3), 8) << pad(fixed(s.extract.cpu, 3), 9) << pad(fixed(s.graph_state.cpu, 3), 13)
              << pad(fixed(s.engine.cpu, 3), 8) << pad(fixed(s.full.cpu, 3), 8)
              << pad(fixed(s.full.cpu * 1e6 / static_cast<double>(s.files), 0), 16) << "\n";
    fs::remove_all(root);
  }
  if (temporary) fs::remove_all(dir);
  return 0;
}
