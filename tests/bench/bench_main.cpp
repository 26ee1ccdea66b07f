// godwit_bench: generates a realistic Django project and measures every stage of godwit against
// the floor, a tree-sitter parse of every file. Not a test: it prints numbers, it asserts none.
//
//   godwit_bench [--files N] [--threads N] [--scaling 1000,5000,10000] [--dir DIR] [--seed N]
//                [--repeat N] [--generate-only]
//
// `cmake --build build --target bench` runs it as the README reports it (--repeat 3). It ends
// with the performance targets, each met or missed, and the machine's load average.
//
// In-process stages run on one thread and are measured in CPU time (clock_gettime's process
// clock, every thread included); `godwit check` itself runs as a child process, measured in
// wall time, CPU time and peak resident memory (wait4's ru_maxrss).
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "analyzer/cache/ir_cache.h"
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
  double cpu = 0;   // seconds of CPU, every thread of this process
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

// The best of `repeat` runs: the one least disturbed by whatever else the machine does.
Times measure(const std::function<void()>& work, int repeat) {
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

Corpus read_corpus(const std::vector<discovery::MigrationPath>& paths) {
  Corpus corpus;
  corpus.paths = paths;
  for (const auto& p : paths) {
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

// The floor: a tree-sitter parse of every file, nothing else.
void parse_all(const Corpus& corpus) {
  frontend::PythonParser parser;
  for (const auto& source : corpus.sources) {
    if (!parser.parse(source)) std::abort();
  }
}

// What one project costs, stage by stage, on one thread.
struct StageTimes {
  size_t files = 0;
  size_t bytes = 0;
  size_t diagnostics = 0;
  Times discover;
  Times read;
  Times parse;        // tree-sitter only: the floor
  Times extract;      // parse + extract (the frontend)
  Times graph_state;  // build the graph, replay the state
  Times engine;       // graph + state + phases + rules
  Times full;         // driver::analyze, no cache: discover, read, parse, extract, engine
  Times cold;         // driver::analyze with an empty cache (entries are written)
  Times warm;         // driver::analyze with that cache filled
};

StageTimes measure_stages(const fs::path& root, const fs::path& cache_dir, int repeat) {
  StageTimes t;
  config::Config config;
  config.root = root;
  std::vector<discovery::MigrationPath> paths;
  t.discover = measure([&] { paths = discovery::discover({root}, config, root).files; }, repeat);
  Corpus corpus;
  t.read = measure([&] { corpus = read_corpus(paths); }, repeat);
  t.files = corpus.sources.size();
  t.bytes = corpus.bytes;
  t.parse = measure([&] { parse_all(corpus); }, repeat);
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
  const auto analyze = [&](const cache::IrCache* cache) {
    driver::AnalysisOptions options;
    options.paths = {root};
    options.threads = 1;
    options.cache = cache;
    if (driver::analyze(options, config, root).diagnostics.size() != t.diagnostics) std::abort();
  };
  t.full = measure([&] { analyze(nullptr); }, repeat);
  std::string error;
  t.cold = measure(
      [&] {
        fs::remove_all(cache_dir);
        const auto cache = cache::IrCache::open(cache_dir, error);
        analyze(cache.get());
      },
      repeat);
  t.warm = measure(
      [&] {
        const auto cache = cache::IrCache::open(cache_dir, error);
        analyze(cache.get());
      },
      repeat);
  fs::remove_all(cache_dir);
  return t;
}

// `godwit check` as a user runs it, in a child process.
struct ChildRun {
  double wall = 0;
  double cpu = 0;
  long max_rss_kb = 0;
  int exit_code = -1;
};

// Starts programs and reports their resources. Linux charges a process's peak memory
// (ru_maxrss) with the memory of the process it was forked from, so the benchmark, which holds
// a whole project in memory, cannot fork godwit itself: this small helper, forked before
// anything big is allocated, does it.
class Spawner {
 public:
  Spawner() {
    int requests[2];
    int replies[2];
    if (pipe(requests) != 0 || pipe(replies) != 0) std::abort();
    pid_ = fork();
    if (pid_ == 0) {
      close(requests[1]);
      close(replies[0]);
      serve(requests[0], replies[1]);
      _exit(0);
    }
    close(requests[0]);
    close(replies[1]);
    to_ = requests[1];
    from_ = replies[0];
  }
  ~Spawner() {
    close(to_);
    close(from_);
    waitpid(pid_, nullptr, 0);
  }
  Spawner(const Spawner&) = delete;
  Spawner& operator=(const Spawner&) = delete;

  ChildRun run(const std::vector<std::string>& args, const fs::path& cwd) {
    std::string request = cwd.string();
    request += '\0';
    for (const auto& a : args) {
      request += a;
      request += '\0';
    }
    const uint64_t size = request.size();
    write_all(to_, &size, sizeof size);
    write_all(to_, request.data(), request.size());
    ChildRun r;
    read_all(from_, &r, sizeof r);
    return r;
  }

 private:
  static void write_all(int fd, const void* data, size_t size) {
    const auto* p = static_cast<const char*>(data);
    while (size > 0) {
      const ssize_t n = write(fd, p, size);
      if (n <= 0) std::abort();
      p += n;
      size -= static_cast<size_t>(n);
    }
  }
  static bool read_all(int fd, void* data, size_t size) {
    auto* p = static_cast<char*>(data);
    while (size > 0) {
      const ssize_t n = read(fd, p, size);
      if (n <= 0) return false;
      p += n;
      size -= static_cast<size_t>(n);
    }
    return true;
  }

  static void serve(int in, int out) {
    uint64_t size = 0;
    while (read_all(in, &size, sizeof size)) {
      std::string request(size, '\0');
      if (!read_all(in, request.data(), size)) return;
      std::vector<char*> argv;
      size_t at = request.find('\0') + 1;
      const std::string cwd = request.substr(0, at - 1);
      while (at < request.size()) {
        argv.push_back(request.data() + at);
        at = request.find('\0', at) + 1;
      }
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
      write_all(out, &r, sizeof r);
    }
  }

  pid_t pid_ = -1;
  int to_ = -1;
  int from_ = -1;
};

// The best (least disturbed) of `repeat` runs; `prepare` runs before each.
ChildRun best_run(Spawner& spawner, const std::vector<std::string>& args, const fs::path& cwd, int repeat,
                  const std::function<void()>& prepare = {}) {
  ChildRun best;
  for (int i = 0; i < repeat; ++i) {
    if (prepare) prepare();
    const ChildRun r = spawner.run(args, cwd);
    if (r.exit_code != 0 && r.exit_code != 1) {
      std::cerr << "godwit_bench: godwit check exited with " << r.exit_code << "\n";
      std::exit(2);
    }
    if (i == 0 || r.wall < best.wall) best = r;
  }
  return best;
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
  Spawner spawner;
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
      repeat = std::max(1, std::stoi(value()));
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

  std::cout << "godwit_bench: godwit built " << GODWIT_BUILD_TYPE << ", " << std::thread::hardware_concurrency()
            << " cores, --threads " << threads << ", best of " << repeat << (repeat == 1 ? " run" : " runs") << "\n";
  const fs::path main_root = dir / "project";
  const bench::GeneratedProject project = bench::generate_project(main_root, options);
  std::cout << "project: " << project.files << " migration files, "
            << fixed(static_cast<double>(project.bytes) / 1e6, 1) << " MB, " << project.apps
            << " apps (largest history: " << project.largest_app << " migrations), " << project.operations
            << " operations, " << project.squashes << " squashes, " << project.merges << " merges, "
            << project.cross_app_dependencies << " cross-app dependencies\n\n";
  if (generate_only) {
    std::cout << "written to " << main_root.string() << "\n";
    return 0;
  }

  const fs::path cache_dir = dir / "cache";
  const StageTimes t = measure_stages(main_root, cache_dir, repeat);
  const double mb = static_cast<double>(t.bytes) / 1e6;
  const auto row = [&](const std::string& name, const Times& times, const std::string& note = {}) {
    std::cout << "  " << name << pad(fixed(times.cpu, 3), 8) << " s" << pad(fixed(static_cast<double>(t.files) / times.cpu, 0), 9)
              << " files/s" << pad(fixed(mb / times.cpu, 1), 7) << " MB/s   " << note << "\n";
  };
  std::cout << "in process, one thread, CPU time (" << t.diagnostics << " findings):\n";
  row("discover                  ", t.discover);
  row("read files                ", t.read);
  row("parse only (the floor)    ", t.parse);
  row("parse + extract           ", t.extract, "extraction adds " + fixed(100 * (t.extract.cpu / t.parse.cpu - 1), 1) + "%");
  row("graph + state             ", t.graph_state);
  row("graph + state + rules     ", t.engine);
  row("full analysis, no cache   ", t.full, fixed(t.full.cpu / t.parse.cpu) + "x parse-only");
  row("full analysis, cold cache ", t.cold, fixed(t.cold.cpu / t.parse.cpu) + "x parse-only (writes the cache)");
  row("full analysis, warm cache ", t.warm, fixed(t.warm.cpu / t.cold.cpu) + "x cold");
  std::cout << "\n";

  const std::string binary = GODWIT_BINARY;
  const std::string cache_arg = cache_dir.string();
  const std::vector<std::string> base{binary, "check", "--format", "json"};
  const auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    args.emplace_back(".");
    return args;
  };
  const auto empty_cache = [&] { fs::remove_all(cache_dir); };
  const std::string all_threads = std::to_string(threads);
  // The child runs go in rounds, each configuration once per round, with the parse floor
  // measured before the first round and after each one. The machine's speed drifts (other
  // work on it comes and goes), so every ratio is taken within a round — a run against the
  // floor measured around it, warm against cold, two threads against one of that round — and
  // the median over the rounds is reported. The tables show each configuration's least
  // disturbed times and its highest peak memory.
  struct Config {
    std::vector<std::string> args;
    bool empty_cache = false;
    ChildRun best;
    std::vector<ChildRun> rounds;
  };
  std::array<Config, 6> configs{
      Config{with({"--no-cache", "--threads", "1"}), false, {}, {}},
      Config{with({"--no-cache", "--threads", all_threads}), false, {}, {}},
      Config{with({"--cache-dir", cache_arg, "--threads", "1"}), true, {}, {}},
      Config{with({"--cache-dir", cache_arg, "--threads", "1"}), false, {}, {}},
      Config{with({"--cache-dir", cache_arg, "--threads", all_threads}), true, {}, {}},
      Config{with({"--cache-dir", cache_arg, "--threads", all_threads}), false, {}, {}},
  };
  std::vector<double> floors;  // floors[r] before round r, floors[r + 1] after it
  {
    config::Config discovery_config;
    discovery_config.root = main_root;
    const Corpus corpus = read_corpus(discovery::discover({main_root}, discovery_config, main_root).files);
    const auto floor_now = [&] { return measure([&] { parse_all(corpus); }, 1).cpu; };
    floors.push_back(floor_now());
    for (int round = 0; round < repeat; ++round) {
      for (Config& c : configs) {
        if (c.empty_cache) empty_cache();
        const ChildRun r = best_run(spawner, c.args, main_root, 1);
        c.rounds.push_back(r);
        if (round == 0) {
          c.best = r;
        } else {
          c.best.wall = std::min(c.best.wall, r.wall);
          c.best.cpu = std::min(c.best.cpu, r.cpu);
          c.best.max_rss_kb = std::max(c.best.max_rss_kb, r.max_rss_kb);
        }
      }
      floors.push_back(floor_now());
    }
  }
  const double floor_cpu = *std::min_element(floors.begin(), floors.end());
  // The median over the rounds of a ratio computed within each round.
  const auto median_ratio = [&](const std::function<double(int)>& ratio_in_round) {
    std::vector<double> ratios;
    for (int r = 0; r < repeat; ++r) ratios.push_back(ratio_in_round(r));
    std::sort(ratios.begin(), ratios.end());
    const size_t mid = ratios.size() / 2;
    return ratios.size() % 2 == 1 ? ratios[mid] : (ratios[mid - 1] + ratios[mid]) / 2;
  };
  const auto floor_around = [&](int r) { return (floors[static_cast<size_t>(r)] + floors[static_cast<size_t>(r) + 1]) / 2; };
  const auto run_of = [&](size_t config, int r) -> const ChildRun& { return configs[config].rounds[static_cast<size_t>(r)]; };
  const double no_cache_vs_floor = median_ratio([&](int r) { return run_of(0, r).cpu / floor_around(r); });
  const double cold_vs_floor = median_ratio([&](int r) { return run_of(2, r).cpu / floor_around(r); });
  const double threads_vs_one = median_ratio([&](int r) { return run_of(1, r).wall / run_of(0, r).wall; });
  const double cold_threads_vs_one = median_ratio([&](int r) { return run_of(4, r).wall / run_of(2, r).wall; });
  const double warm_vs_cold_cpu = median_ratio([&](int r) { return run_of(3, r).cpu / run_of(2, r).cpu; });
  const double warm_vs_cold_wall = median_ratio([&](int r) { return run_of(5, r).wall / run_of(4, r).wall; });
  const double warm_vs_cold_cpu_all = median_ratio([&](int r) { return run_of(5, r).cpu / run_of(4, r).cpu; });
  const ChildRun& one = configs[0].best;
  const ChildRun& all = configs[1].best;
  const ChildRun& cold_one = configs[2].best;
  const ChildRun& warm_one = configs[3].best;
  const ChildRun& cold = configs[4].best;
  const ChildRun& warm = configs[5].best;
  const auto line = [](const std::string& name, const ChildRun& r, const std::string& note = {}) {
    std::cout << "  " << name << pad(fixed(r.wall), 7) << " s wall" << pad(fixed(r.cpu), 7) << " s CPU"
              << pad(std::to_string(r.max_rss_kb / 1024), 6) << " MB peak   " << note << "\n";
  };
  const auto label = [](std::string text, size_t width) {
    text.resize(std::max(text.size(), width), ' ');
    return text;
  };
  const std::string n = all_threads;
  std::cout << "godwit check --format json . (a child process; peak resident memory from wait4). Times: the\n"
               "least disturbed of "
            << repeat << (repeat == 1 ? " round" : " rounds") << "; ratios: the median over the rounds of the ratio within\n"
               "each round (parse-only CPU measured before and after every round: "
            << fixed(floor_cpu, 3) << " s at best):\n";
  line(label("--no-cache, --threads 1", 30), one, fixed(no_cache_vs_floor) + "x parse-only CPU");
  line(label("--no-cache, --threads " + n, 30), all, fixed(threads_vs_one) + "x one thread's wall");
  line(label("empty cache, --threads 1", 30), cold_one, fixed(cold_vs_floor) + "x parse-only CPU (writes the cache)");
  line(label("warm cache, --threads 1", 30), warm_one, fixed(warm_vs_cold_cpu) + "x cold CPU");
  line(label("empty cache, --threads " + n, 30), cold, fixed(cold_threads_vs_one) + "x one thread's wall");
  line(label("warm cache, --threads " + n, 30), warm,
       fixed(warm_vs_cold_wall) + "x cold wall, " + fixed(warm_vs_cold_cpu_all) + "x cold CPU");
  std::cout << "\n";

  if (!scaling.empty()) {
    std::cout << "scaling, one thread: CPU microseconds per file for each stage (a column that stays level\n"
                 "grows linearly with the project), and the peak memory of godwit check --no-cache:\n";
    std::cout << "   files     MB   parse  extract  graph+state  +rules    full    cold   warm   peak MB   KB/file\n";
    std::vector<std::pair<StageTimes, long>> rows;
    for (const size_t size : scaling) {
      bench::GeneratorOptions o = options;
      o.files = size;
      // The main project is reused at its own size.
      const bool main_size = size == options.files;
      const fs::path root = main_size ? main_root : dir / ("scaling-" + std::to_string(size));
      if (!main_size) bench::generate_project(root, o);
      const StageTimes s = main_size ? t : measure_stages(root, cache_dir, repeat);
      const long peak_kb =
          main_size ? one.max_rss_kb : best_run(spawner, with({"--no-cache", "--threads", "1"}), root, 1).max_rss_kb;
      const double files = static_cast<double>(s.files);
      const auto us = [&](const Times& x) { return fixed(x.cpu * 1e6 / files, 0); };
      std::cout << pad(std::to_string(s.files), 8) << pad(fixed(static_cast<double>(s.bytes) / 1e6, 1), 7)
                << pad(us(s.parse), 8) << pad(us(s.extract), 9) << pad(us(s.graph_state), 13) << pad(us(s.engine), 8)
                << pad(us(s.full), 8) << pad(us(s.cold), 8) << pad(us(s.warm), 7) << pad(std::to_string(peak_kb / 1024), 10)
                << pad(fixed(static_cast<double>(peak_kb) / files, 1), 10) << "\n";
      rows.emplace_back(s, peak_kb);
      if (!main_size) fs::remove_all(root);
    }
    if (rows.size() > 1) {
      const auto& [first, first_kb] = rows.front();
      const auto& [last, last_kb] = rows.back();
      const double files_ratio = static_cast<double>(last.files) / static_cast<double>(first.files);
      const auto growth = [&](const Times& a, const Times& b) { return fixed(b.cpu / a.cpu / files_ratio) + "x"; };
      std::cout << "  per-file cost at " << last.files << " files relative to " << first.files << ": parse "
                << growth(first.parse, last.parse) << ", extract " << growth(first.extract, last.extract)
                << ", graph+state " << growth(first.graph_state, last.graph_state) << ", +rules "
                << growth(first.engine, last.engine) << ", full " << growth(first.full, last.full) << ", cold "
                << growth(first.cold, last.cold) << ", warm " << growth(first.warm, last.warm) << ", memory "
                << fixed(static_cast<double>(last_kb) / static_cast<double>(first_kb) / files_ratio) << "x\n";
    }
    std::cout << "\n";
  }

  const auto target = [&](const std::string& what, double value, double limit, int decimals, const std::string& unit) {
    // Ratios with one more decimal than their limit: a value just over it must not print as it.
    const int shown = unit == "x" ? decimals + 1 : decimals;
    std::cout << "  " << label(what, 62) << pad(fixed(value, shown) + unit, 8) << "   target <= "
              << fixed(limit, decimals) << unit << ": " << (value <= limit ? "met" : "MISSED") << "\n";
  };
  std::cout << "targets:\n";
  target("cold analysis CPU / parse-only CPU (empty cache, --threads 1)", cold_vs_floor, 1.2, 2, "x");
  target("  the same without writing the cache (--no-cache, --threads 1)", no_cache_vs_floor, 1.2, 2, "x");
  target("wall, --threads " + n + " / --threads 1 (--no-cache)", threads_vs_one, 0.6, 2, "x");
  target("warm / cold wall (--threads " + n + ")", warm_vs_cold_wall, 0.15, 2, "x");
  target("warm / cold CPU (--threads 1)", warm_vs_cold_cpu, 0.15, 2, "x");
  const long peak = std::max({one.max_rss_kb, all.max_rss_kb, cold_one.max_rss_kb, warm_one.max_rss_kb,
                              cold.max_rss_kb, warm.max_rss_kb});
  target("peak resident memory of godwit check", static_cast<double>(peak) / 1024, 150, 0, " MB");
  std::array<double, 3> load{};
  if (getloadavg(load.data(), 3) == 3) {
    std::cout << "\nload average at the end: " << fixed(load[0]) << " " << fixed(load[1]) << " " << fixed(load[2])
              << " on " << std::thread::hardware_concurrency() << " cores (other work on the machine slows the "
              << "wall times)\n";
  }
  if (temporary) fs::remove_all(dir);
  return 0;
}
