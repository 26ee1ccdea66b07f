#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyzer/config/config.h"
#include "analyzer/ir/migration.h"

namespace godwit::graph {

using NodeId = uint32_t;

// The migration graph of a project, built from files alone the way Django's MigrationLoader
// builds it: nodes for every migration module, edges from `dependencies` and `run_before`,
// `__first__`/`__latest__` and swappable dependencies resolved, squashed migrations standing for
// the ones they replace. Dependencies on apps with no migrations in the checked paths (out of
// scope) are dropped, never reported.
class MigrationGraph {
 public:
  struct Node {
    std::string app;
    std::string name;
    const ir::Migration* migration = nullptr;  // nullptr for a dependency target that does not exist
    std::vector<NodeId> parents;               // what it depends on, sorted, unique
    std::vector<NodeId> children;              // what depends on it, sorted, unique
    bool removed = false;                      // replaced by a squash (or a resolved missing target)
    NodeId replaced_by = 0;                    // the squash, when removed by one
  };

  // Where an edge was declared: a `dependencies` entry (in the child's file) or a `run_before`
  // entry (in the parent's file).
  struct Edge {
    NodeId child;
    NodeId parent;
    const ir::Migration* declared_in;
    source::TextRange entry;
    bool run_before;
  };

  // A dependency entry naming a migration of an in-scope app that does not exist.
  struct MissingDependency {
    const ir::Migration* migration;
    size_t dependency_index;  // into migration->dependencies (or run_before when run_before)
    bool run_before;
    std::string app;
    std::string name;
  };

  static MigrationGraph build(std::span<const ir::Migration* const> modules, const config::Config& config);

  [[nodiscard]] const std::vector<Node>& nodes() const { return nodes_; }
  [[nodiscard]] const Node& node(NodeId id) const { return nodes_[id]; }
  [[nodiscard]] const std::vector<Edge>& edges() const { return edges_; }
  [[nodiscard]] std::optional<NodeId> find(std::string_view app, std::string_view name) const;
  // The live node for a migration (its squash when it was replaced), if it is a node.
  [[nodiscard]] std::optional<NodeId> node_of(const ir::Migration& migration) const;

  // Apps with at least one migration module read (reported or context), sorted.
  [[nodiscard]] const std::vector<std::string>& apps() const { return apps_; }
  [[nodiscard]] bool in_scope(std::string_view app) const;
  // The app has at least one migration (a module with a Migration class, or one that does not parse).
  [[nodiscard]] bool has_migrations(std::string_view app) const { return app_nodes_.contains(std::string(app)); }
  // Live nodes of an app with no live children in the same app, sorted by name (Django's leaf_nodes).
  [[nodiscard]] std::vector<NodeId> leaves(std::string_view app) const;
  // Every app's leaves, sorted by (app, name).
  [[nodiscard]] std::vector<NodeId> all_leaves() const;

  // The order Django applies migrations in (`forwards_plan` of every leaf, in leaf order).
  // Nodes on a dependency cycle still appear once.
  [[nodiscard]] const std::vector<NodeId>& plan() const { return plan_; }
  // Apps whose graph cannot be trusted: a module with a syntax error, or `dependencies`,
  // `run_before` or `replaces` godwit could not read.
  [[nodiscard]] bool app_has_unknown_edges(std::string_view app) const;

  [[nodiscard]] const std::vector<MissingDependency>& missing() const { return missing_; }
  // A dependency cycle: node ids in edge order (cycle[i] depends on cycle[i+1], the last on the
  // first), starting at its first node by (app, name); `entry` is the edge declared in that
  // first node's file (a dependency or run_before entry) that closes the cycle, or, when that
  // file declares none, the run_before entry elsewhere that makes the first node depend on the
  // next one.
  struct Cycle {
    std::vector<NodeId> nodes;
    size_t entry;  // into edges()
  };
  [[nodiscard]] const std::vector<Cycle>& cycles() const { return cycles_; }
  // An edge child -> parent, if one was declared.
  [[nodiscard]] const Edge* edge(NodeId child, NodeId parent) const;

  // Django's forwards_plan: the node's ancestors and itself, in the order they are applied.
  [[nodiscard]] std::vector<NodeId> forwards_plan(NodeId target) const;

  // Django's backwards_plan: the node's dependents and itself, in the order they are unapplied.
  [[nodiscard]] std::vector<NodeId> backwards_plan(NodeId target) const;
  // Live nodes of an app with no parent in the same app, sorted (Django's root_nodes(app)).
  [[nodiscard]] std::vector<NodeId> roots(std::string_view app) const;

  // The live ancestors of a node (everything it depends on, transitively), excluding itself.
  [[nodiscard]] std::vector<NodeId> ancestors(NodeId id) const;

 private:
  NodeId intern(std::string_view app, std::string_view name);
  void add_edge(NodeId child, NodeId parent, const ir::Migration* declared_in, source::TextRange entry,
                bool run_before);
  std::optional<NodeId> root_of(std::string_view app) const;
  // `edges_of`: the indices of the edges at each node (kept up to date as edges move to the
  // squash); `mark`: one byte per node, all zero between calls.
  void apply_squash(NodeId squash, std::vector<std::vector<uint32_t>>& edges_of, std::vector<uint8_t>& mark);
  void compute_plan();
  void compute_cycles();
  bool key_less(NodeId a, NodeId b) const;
  void link(NodeId child, NodeId parent);
  void unlink(NodeId child, NodeId parent);

  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  // "app\x1fname" -> node; lookups reuse one key string per thread (see find()).
  std::unordered_map<std::string, NodeId> index_;
  std::vector<std::string> apps_;
  std::vector<std::string> apps_with_unknown_edges_;
  std::vector<MissingDependency> missing_;
  std::vector<NodeId> plan_;
  std::vector<Cycle> cycles_;
  std::unordered_map<std::string, std::vector<NodeId>> app_nodes_;
};

// The app label a swappable setting resolves to ("AUTH_USER_MODEL" -> "auth" by default).
std::string swappable_app(const config::Config& config, std::string_view setting);

}  // namespace godwit::graph
