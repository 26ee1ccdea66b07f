#include <algorithm>
#include <array>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>

#include "analyzer/report/json_stream.h"
#include "analyzer/report/report.h"

namespace godwit::report {

std::optional<Format> format_from_string(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, Format>, 8> kFormats{{
      {"text", Format::Text},
      {"concise", Format::Concise},
      {"json", Format::Json},
      {"sarif", Format::Sarif},
      {"github", Format::Github},
      {"azure", Format::Azure},
      {"gitlab", Format::Gitlab},
      {"junit", Format::Junit},
  }};
  for (const auto& [name, format] : kFormats) {
    if (name == text) return format;
  }
  return std::nullopt;
}

std::string_view to_string(Format format) {
  switch (format) {
    case Format::Text: return "text";
    case Format::Concise: return "concise";
    case Format::Json: return "json";
    case Format::Sarif: return "sarif";
    case Format::Github: return "github";
    case Format::Azure: return "azure";
    case Format::Gitlab: return "gitlab";
    case Format::Junit: return "junit";
  }
  return "text";
}

void write_report(Format format, std::ostream& out, const Report& report, const TextOptions& options) {
  switch (format) {
    case Format::Text: write_text(out, report, options); return;
    case Format::Concise: write_concise(out, report); return;
    case Format::Json: write_json(out, report); return;
    case Format::Sarif: write_sarif(out, report); return;
    case Format::Github: write_github(out, report); return;
    case Format::Azure: write_azure(out, report); return;
    case Format::Gitlab: write_gitlab(out, report); return;
    case Format::Junit: write_junit(out, report); return;
  }
}

namespace {

void write_range(JsonStream& j, const source::SourceFile& file, source::TextRange r) {
  const source::Span span = file.span(r);
  j.begin_object();
  for (const auto& [name, p] : {std::pair{"start", span.start}, std::pair{"end", span.end}}) {
    j.key(name);
    j.begin_object();
    j.key("line");
    j.number(uint64_t{p.line});
    j.key("column");
    j.number(uint64_t{p.column});
    j.end_object();
  }
  j.end_object();
}

void write_field(JsonStream& j, std::string_view name, std::string_view value) {
  j.key(name);
  j.string(value);
}

void write_diagnostic(JsonStream& j, const diagnostics::Diagnostic& d) {
  j.begin_object();
  write_field(j, "rule", d.code.str());
  write_field(j, "name", d.name);
  write_field(j, "severity", diagnostics::to_string(d.severity));
  write_field(j, "message", d.message);
  write_field(j, "help", d.help);
  write_field(j, "path", d.path());
  write_field(j, "app", d.app);
  write_field(j, "migration", d.migration);
  j.key("range");
  write_range(j, *d.file, d.range);
  if (!d.related.empty()) {
    j.key("related");
    j.begin_array();
    for (const auto& r : d.related) {
      j.begin_object();
      write_field(j, "message", r.message);
      write_field(j, "path", r.file->path());
      j.key("range");
      write_range(j, *r.file, r.range);
      j.end_object();
    }
    j.end_array();
  }
  j.end_object();
}

// The findings, as items of the array open in `j`. A large report is rendered in runs on
// several threads (positions need each file's line index, and escaping the messages is most
// of the rest) and the runs are added in order as they are done: the same bytes as rendering
// them one by one. Threads never run more than a few runs ahead of what is written, so the
// memory it takes stays that of a few runs, not a second copy of the report.
void write_diagnostics(JsonStream& j, std::span<const diagnostics::Diagnostic> all, unsigned threads) {
  constexpr size_t kRun = 256;
  const size_t runs = (all.size() + kRun - 1) / kRun;
  threads = static_cast<unsigned>(std::min<size_t>(threads, runs));
  if (threads <= 1) {
    for (const auto& d : all) write_diagnostic(j, d);
    return;
  }
  const size_t window = 4 * size_t{threads};
  std::vector<std::string> rendered(runs);
  std::vector<char> ready(runs, 0);
  std::mutex mutex;
  std::condition_variable changed;
  size_t next = 0;     // the next run to render
  size_t written = 0;  // runs added to `j`
  std::exception_ptr error;  // the first failure (out of memory): every thread stops, it is rethrown
  const size_t depth = j.depth();
  const bool continues = j.has_items();
  const auto render = [&](size_t run) {
    try {
      JsonStream fragment(rendered[run], depth, continues || run > 0);
      for (const auto& d : all.subspan(run * kRun, std::min(kRun, all.size() - run * kRun))) {
        write_diagnostic(fragment, d);
      }
      const std::lock_guard lock(mutex);
      ready[run] = 1;
    } catch (...) {
      const std::lock_guard lock(mutex);
      if (!error) error = std::current_exception();
    }
    changed.notify_all();
  };
  const auto helper = [&] {
    while (true) {
      size_t run = 0;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return error || next >= runs || next < written + window; });
        if (error || next >= runs) return;
        run = next++;
      }
      render(run);
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (unsigned t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(helper);
    } catch (const std::system_error&) {
      break;  // no more threads: this one renders what they would have
    }
  }
  // This thread writes the runs in order, rendering one itself while the next is not done.
  while (written < runs) {
    std::unique_lock lock(mutex);
    if (error) break;
    if (ready[written] != 0) {
      lock.unlock();
      try {
        j.add_items(rendered[written]);
      } catch (...) {
        lock.lock();
        if (!error) error = std::current_exception();
        break;
      }
      std::string().swap(rendered[written]);
      lock.lock();
      ++written;
      lock.unlock();
      changed.notify_all();
      continue;
    }
    if (next < runs && next < written + window) {
      const size_t run = next++;
      lock.unlock();
      render(run);
      continue;
    }
    changed.wait(lock);
  }
  changed.notify_all();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace

void write_json(std::ostream& out, const Report& report) {
  const SeverityCounts counts = count_severities(report.diagnostics);
  JsonStream j(out);
  const auto field = [&j](std::string_view name, std::string_view value) { write_field(j, name, value); };
  j.begin_object();
  j.key("tool");
  j.begin_object();
  field("name", "godwit");
  field("version", GODWIT_VERSION);
  j.end_object();
  j.key("summary");
  j.begin_object();
  for (const auto& [name, count] : {std::pair{"files", report.files}, std::pair{"migrations", report.migrations.size()},
                                    std::pair{"error", counts.error}, std::pair{"warning", counts.warning},
                                    std::pair{"info", counts.info}}) {
    j.key(name);
    j.number(uint64_t{count});
  }
  if (report.hidden_by_baseline > 0) {
    j.key("hidden_by_baseline");
    j.number(uint64_t{report.hidden_by_baseline});
  }
  j.end_object();
  j.key("diagnostics");
  j.begin_array();
  write_diagnostics(j, report.diagnostics, report.threads);
  j.end_array();
  j.key("migrations");
  j.begin_array();
  for (const auto& m : report.migrations) {
    j.begin_object();
    field("app", m.app);
    field("name", m.name);
    field("path", m.path);
    field("phase", m.phase);
    j.key("reversible");
    if (m.reversible == ir::Tri::Unknown) {
      j.null();
    } else {
      j.boolean(m.reversible == ir::Tri::Yes);
    }
    j.end_object();
  }
  j.end_array();
  j.end_object();
  j.finish();
}

}  // namespace godwit::report
