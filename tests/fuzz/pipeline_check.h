#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace godwit::test {

// Runs one file's bytes through everything godwit does with a migration: read (UTF-8 and NUL
// checks), parse, extract, then — as `shop/migrations/0002_fuzzed.py` beside a fixed
// `0001_initial.py` of the same app — the graph, the replayed state, every rule with
// suppressions, the deploy phases and plan, baseline identities, every report format, the state,
// graph and plan reports, and the language server's conversions and quick fixes.
//
// Returns the broken invariants found on the way (empty: none): a finding outside its file, a
// report that is not valid JSON or UTF-8, a quick fix whose edits overlap, ... Crashes, hangs,
// leaks and undefined behaviour are the sanitizers' and the fuzzer's to catch.
//
// The libFuzzer harness (pipeline_fuzzer.cpp) and the robustness test, which replays the inputs
// the fuzzer once crashed on, share this function.
std::vector<std::string> check_pipeline(std::string_view bytes);

}  // namespace godwit::test
