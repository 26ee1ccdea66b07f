#pragma once

#include <ostream>

#include "analyzer/graph/migration_graph.h"
#include "analyzer/state/project_state.h"

namespace godwit::report {

// `godwit state`: the replayed models (all, or those `selected` by "app.model"), as text for
// people or as JSON for tools (the Django comparison test reads it).
void write_state_text(std::ostream& out, const state::ProjectState& state, const std::vector<std::string>& selected,
                      bool color);
void write_state_json(std::ostream& out, const state::ProjectState& state, const std::vector<std::string>& selected);

// `godwit graph`: leaves per app and the plan order.
void write_graph_text(std::ostream& out, const graph::MigrationGraph& graph);
void write_graph_json(std::ostream& out, const graph::MigrationGraph& graph);

}  // namespace godwit::report
