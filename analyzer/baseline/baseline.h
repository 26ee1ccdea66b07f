#pragma once

#include <compare>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analyzer/diagnostics/diagnostic.h"

namespace godwit::baseline {

// What a finding is, independent of where its lines are: the app, the migration, the rule, the
// flagged operation's text (whitespace-normalised) and, for findings identical in all of these,
// their order among themselves. Baselines, SARIF `partialFingerprints` and GitLab fingerprints all
// derive from it, so a finding keeps its identity when code above it moves.
struct Identity {
  std::string app;
  std::string migration;
  std::string rule;
  std::string anchor;
  uint32_t occurrence = 0;

  friend bool operator==(const Identity&, const Identity&) = default;
  friend auto operator<=>(const Identity&, const Identity&) = default;
};

// The identities of `diagnostics`, in the same order; occurrence indexes count, in that order, the
// diagnostics that share app, migration, rule and anchor.
std::vector<Identity> identify(const std::vector<diagnostics::Diagnostic>& diagnostics);

// A stable hash of an identity: 16 lowercase hex digits (64-bit FNV-1a).
std::string fingerprint(const Identity& identity);

struct Baseline {
  std::set<Identity> findings;
};

// Reads a baseline file; on failure returns nullopt with a message in `error`.
std::optional<Baseline> read_baseline(const std::filesystem::path& path, std::string& error);

// Writes `identities` as a baseline file: JSON, sorted, one finding per entry, no line numbers,
// so that it diffs well and stays valid when lines move. Returns false with a message in `error`.
bool write_baseline(const std::filesystem::path& path, std::vector<Identity> identities, std::string& error);

}  // namespace godwit::baseline
