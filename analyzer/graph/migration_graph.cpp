#include "analyzer/graph/migration_graph.h"

#include <algorithm>
#include <deque>
#include <tuple>
#include <unordered_set>

namespace godwit::graph {

namespace {

// "app\x1fname", the index's key, written into `key`.
void write_key(std::string& key, std::string_view app, std::string_view name) {
  key.assign(app);
  key += '\x1f';
  key.append(name);
}

bool is_node_module(const ir::Migration& m) { return m.has_migration_class || m.syntax_error.has_value(); }

}  // namespace

std::string swappable_app(const config::Config& config, std::string_view setting) {
  std::string value;
  if (const auto it = config.swappable.find(std::string(setting)); it != config.swappable.end()) {
    value = it->second;
  } else if (setting.find('.') != std::string_view::npos) {
    value = std::string(setting);  // swappable_dependency("accounts.User")
  } else if (setting == "AUTH_USER_MODEL") {
    value = "auth.User";
  }
  return value.substr(0, value.find('.'));
}

bool MigrationGraph::key_less(NodeId a, NodeId b) const {
  return std::tie(nodes_[a].app, nodes_[a].name) < std::tie(nodes_[b].app, nodes_[b].name);
}

NodeId MigrationGraph::intern(std::string_view app, std::string_view name) {
  if (const auto id = find(app, name)) return *id;
  std::string key;
  write_key(key, app, name);
  const auto [it, inserted] = index_.try_emplace(std::move(key), static_cast<NodeId>(nodes_.size()));
  if (inserted) {
    Node node;
    node.app = std::string(app);
    node.name = std::string(name);
    nodes_.push_back(std::move(node));
  }
  return it->second;
}

std::optional<NodeId> MigrationGraph::find(std::string_view app, std::string_view name) const {
  // Each thread writes its lookup keys into one string that keeps its capacity: a lookup
  // allocates nothing.
  thread_local std::string key;
  write_key(key, app, name);
  const auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

std::optional<NodeId> MigrationGraph::node_of(const ir::Migration& migration) const {
  auto id = find(migration.app_label, migration.name);
  if (!id || nodes_[*id].migration != &migration) return std::nullopt;
  if (nodes_[*id].removed) return nodes_[*id].replaced_by;
  return id;
}

bool MigrationGraph::in_scope(std::string_view app) const {
  return std::binary_search(apps_.begin(), apps_.end(), app);
}

bool MigrationGraph::app_has_unknown_edges(std::string_view app) const {
  return std::binary_search(apps_with_unknown_edges_.begin(), apps_with_unknown_edges_.end(), app);
}

void MigrationGraph::link(NodeId child, NodeId parent) {
  auto insert = [this](std::vector<NodeId>& list, NodeId id) {
    const auto at = std::lower_bound(list.begin(), list.end(), id, [this](NodeId a, NodeId b) { return key_less(a, b); });
    if (at == list.end() || *at != id) list.insert(at, id);
  };
  insert(nodes_[child].parents, parent);
  insert(nodes_[parent].children, child);
}

void MigrationGraph::unlink(NodeId child, NodeId parent) {
  auto& parents = nodes_[child].parents;
  parents.erase(std::remove(parents.begin(), parents.end(), parent), parents.end());
  auto& children = nodes_[parent].children;
  children.erase(std::remove(children.begin(), children.end(), child), children.end());
}

void MigrationGraph::add_edge(NodeId child, NodeId parent, const ir::Migration* declared_in, source::TextRange entry,
                              bool run_before) {
  edges_.push_back(Edge{child, parent, declared_in, entry, run_before});
  link(child, parent);
}

std::optional<NodeId> MigrationGraph::root_of(std::string_view app) const {
  const auto it = app_nodes_.find(std::string(app));
  if (it == app_nodes_.end()) return std::nullopt;
  std::optional<NodeId> best;
  for (const NodeId id : it->second) {
    const Node& n = nodes_[id];
    if (n.removed || n.migration == nullptr) continue;
    const bool root = std::none_of(n.parents.begin(), n.parents.end(),
                                   [&](NodeId p) { return nodes_[p].app == n.app; });
    if (root && (!best || key_less(id, *best))) best = id;
  }
  return best;
}

std::vector<NodeId> MigrationGraph::leaves(std::string_view app) const {
  std::vector<NodeId> out;
  const auto it = app_nodes_.find(std::string(app));
  if (it == app_nodes_.end()) return out;
  for (const NodeId id : it->second) {
    const Node& n = nodes_[id];
    if (n.removed || n.migration == nullptr) continue;
    const bool leaf = std::none_of(n.children.begin(), n.children.end(), [&](NodeId c) {
      return nodes_[c].app == n.app && !nodes_[c].removed;
    });
    if (leaf) out.push_back(id);
  }
  std::sort(out.begin(), out.end(), [this](NodeId a, NodeId b) { return key_less(a, b); });
  return out;
}

std::vector<NodeId> MigrationGraph::all_leaves() const {
  std::vector<NodeId> out;
  for (const std::string& app : apps_) {
    const auto l = leaves(app);
    out.insert(out.end(), l.begin(), l.end());
  }
  return out;
}

void MigrationGraph::apply_squash(NodeId squash, std::vector<std::vector<uint32_t>>& edges_of, std::vector<uint8_t>& mark) {
  const ir::Migration& m = *nodes_[squash].migration;
  std::unordered_set<NodeId> replaced;
  for (const ir::MigrationRef& ref : m.replaces) {
    if (!ref.known) continue;
    if (const auto id = find(ref.app, ref.name); id && *id != squash) replaced.insert(*id);
  }
  std::vector<NodeId> ordered(replaced.begin(), replaced.end());
  std::sort(ordered.begin(), ordered.end());
  std::unordered_set<NodeId> removed_now;
  for (const NodeId r : ordered) {
    if (nodes_[r].removed) continue;
    removed_now.insert(r);
    nodes_[r].removed = true;
    nodes_[r].replaced_by = squash;
    const std::vector<NodeId> children = nodes_[r].children;
    const std::vector<NodeId> parents = nodes_[r].parents;
    for (const NodeId c : children) {
      unlink(c, r);
      if (!replaced.contains(c) && c != squash) link(c, squash);
    }
    for (const NodeId p : parents) {
      unlink(r, p);
      if (!replaced.contains(p) && p != squash) link(squash, p);
    }
  }
  // The declared edges of the replaced migrations now come from, or lead to, the squash (an edge
  // between two replaced ones stays as it is). Only the edges at the nodes removed now are
  // looked at: a pass over every edge for every squash would grow with their product.
  if (removed_now.empty()) return;
  enum : uint8_t { kOther, kReplaced, kRemovedNow };
  for (const NodeId r : replaced) mark[r] = kReplaced;
  for (const NodeId r : removed_now) mark[r] = kRemovedNow;
  for (const NodeId r : ordered) {
    if (mark[r] != kRemovedNow) continue;
    for (const uint32_t i : edges_of[r]) {
      Edge& e = edges_[i];
      if (mark[e.parent] == kRemovedNow && mark[e.child] == kOther) {
        e.parent = squash;
        edges_of[squash].push_back(i);
      } else if (mark[e.child] == kRemovedNow && mark[e.parent] == kOther) {
        e.child = squash;
        edges_of[squash].push_back(i);
      }
    }
  }
  for (const NodeId r : replaced) mark[r] = kOther;
}

MigrationGraph MigrationGraph::build(std::span<const ir::Migration* const> modules, const config::Config& config) {
  MigrationGraph g;
  std::vector<std::string> apps;
  std::vector<std::string> unknown;
  std::vector<NodeId> real;
  for (const ir::Migration* m : modules) {
    // Modules come grouped by folder: an app is pushed once per run, not once per migration.
    if (apps.empty() || apps.back() != m->app_label) apps.push_back(m->app_label);
    if (!is_node_module(*m)) continue;
    const NodeId id = g.intern(m->app_label, m->name);
    if (g.nodes_[id].migration != nullptr) continue;  // the same migration twice: the first one counts
    g.nodes_[id].migration = m;
    real.push_back(id);
    const auto unreadable = [](const ir::MigrationRef& r) { return !r.known; };
    const bool refs_unknown = std::any_of(m->run_before.begin(), m->run_before.end(), unreadable) ||
                              std::any_of(m->replaces.begin(), m->replaces.end(), unreadable);
    if (m->syntax_error || !m->dependencies_known || refs_unknown) unknown.push_back(m->app_label);
  }
  std::sort(apps.begin(), apps.end());
  apps.erase(std::unique(apps.begin(), apps.end()), apps.end());
  g.apps_ = std::move(apps);
  std::sort(unknown.begin(), unknown.end());
  unknown.erase(std::unique(unknown.begin(), unknown.end()), unknown.end());
  g.apps_with_unknown_edges_ = std::move(unknown);
  const auto by_key = [&g](NodeId a, NodeId b) { return g.key_less(a, b); };
  if (!std::is_sorted(real.begin(), real.end(), by_key)) std::sort(real.begin(), real.end(), by_key);
  for (const NodeId id : real) g.app_nodes_[g.nodes_[id].app].push_back(id);

  // Internal (same-app) dependencies first, so that __first__ finds the right root. Like Django's
  // add_internal_dependencies, only a same-app `__first__` is ignored: a same-app `__latest__` is
  // taken as a migration of that name, which does not exist (NodeNotFoundError).
  for (const NodeId id : real) {
    const ir::Migration& m = *g.nodes_[id].migration;
    for (const ir::Dependency& d : m.dependencies) {
      if (d.app != m.app_label) continue;
      if (d.kind == ir::Dependency::Kind::Migration) g.add_edge(id, g.intern(d.app, d.name), &m, d.range, false);
      if (d.kind == ir::Dependency::Kind::Latest) g.add_edge(id, g.intern(d.app, "__latest__"), &m, d.range, false);
    }
  }
  // Django's check_key: resolves __first__/__latest__, ignores same-app __first__ and apps that
  // are not migrated; here, apps out of scope are ignored too (their migrations are not visible).
  auto resolve = [&g](std::string_view app, std::string_view name, std::string_view current) -> std::optional<NodeId> {
    const bool special = name == "__first__" || name == "__latest__";
    if (!special) {
      if (!g.in_scope(app)) return std::nullopt;
      return g.intern(app, name);
    }
    if (app == current || !g.in_scope(app)) return std::nullopt;
    if (name == "__first__") return g.root_of(app);
    const auto leaves = g.leaves(app);
    if (leaves.empty()) return std::nullopt;
    return leaves.front();
  };
  for (const NodeId id : real) {
    const ir::Migration& m = *g.nodes_[id].migration;
    for (const ir::Dependency& d : m.dependencies) {
      std::string swappable;  // the app a swappable dependency resolves to
      std::string_view app = d.app;
      std::string_view name = d.name;
      if (d.kind == ir::Dependency::Kind::Swappable) {
        swappable = swappable_app(config, d.setting);
        app = swappable;
        name = "__first__";
      } else if (d.kind == ir::Dependency::Kind::Unknown) {
        continue;
      } else if (d.kind == ir::Dependency::Kind::First) {
        name = "__first__";
      } else if (d.kind == ir::Dependency::Kind::Latest) {
        name = "__latest__";
      }
      if (app.empty() || app == m.app_label) continue;
      if (const auto parent = resolve(app, name, m.app_label)) g.add_edge(id, *parent, &m, d.range, false);
    }
    for (const ir::MigrationRef& r : m.run_before) {
      if (!r.known) continue;
      if (const auto child = resolve(r.app, r.name, m.app_label)) g.add_edge(*child, id, &m, r.range, true);
    }
  }

  // Squashed migrations stand for the ones they replace.
  std::vector<std::vector<uint32_t>> edges_of(g.nodes_.size());
  for (uint32_t i = 0; i < g.edges_.size(); ++i) {
    edges_of[g.edges_[i].parent].push_back(i);
    if (g.edges_[i].child != g.edges_[i].parent) edges_of[g.edges_[i].child].push_back(i);
  }
  std::vector<uint8_t> mark(g.nodes_.size(), 0);
  for (const NodeId id : real) {
    if (!g.nodes_[id].migration->replaces.empty()) g.apply_squash(id, edges_of, mark);
  }

  // What is still a placeholder is a dependency on a migration that does not exist.
  for (const Edge& e : g.edges_) {
    const NodeId target = e.run_before ? e.child : e.parent;
    const Node& n = g.nodes_[target];
    if (n.migration != nullptr || n.removed) continue;
    const auto& entries = e.declared_in->dependencies;
    MissingDependency missing{e.declared_in, 0, e.run_before, n.app, n.name};
    if (e.run_before) {
      for (size_t i = 0; i < e.declared_in->run_before.size(); ++i) {
        if (e.declared_in->run_before[i].range == e.entry) missing.dependency_index = i;
      }
    } else {
      for (size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].range == e.entry) missing.dependency_index = i;
      }
    }
    g.missing_.push_back(std::move(missing));
  }
  for (NodeId id = 0; id < g.nodes_.size(); ++id) {
    Node& n = g.nodes_[id];
    if (n.migration != nullptr || n.removed) continue;
    n.removed = true;
    for (const NodeId c : std::vector<NodeId>(n.children)) g.unlink(c, id);
    for (const NodeId p : std::vector<NodeId>(n.parents)) g.unlink(id, p);
  }
  std::sort(g.missing_.begin(), g.missing_.end(), [](const MissingDependency& a, const MissingDependency& b) {
    return std::tie(a.migration->app_label, a.migration->name, a.dependency_index) <
           std::tie(b.migration->app_label, b.migration->name, b.dependency_index);
  });

  g.compute_plan();
  g.compute_cycles();
  return g;
}

namespace {

// Django's iterative_dfs: post-order through parents, larger keys explored first (they are
// pushed last). `state` is shared across calls so that a node already planned is skipped with
// its (already planned) ancestors: that equals Django's "if migration not in plan".
template <typename Graph>
void plan_from(const Graph& g, NodeId start, std::vector<uint8_t>& state, std::vector<NodeId>& plan,
               bool forwards = true) {
  std::vector<std::pair<NodeId, bool>> stack{{start, false}};
  while (!stack.empty()) {
    const auto [id, processed] = stack.back();
    stack.pop_back();
    if (state[id] == 2) continue;
    if (processed) {
      state[id] = 2;
      plan.push_back(id);
      continue;
    }
    if (state[id] == 1) continue;  // a cycle: Django refuses it; plan each node once
    state[id] = 1;
    stack.emplace_back(id, true);
    for (const NodeId p : forwards ? g.node(id).parents : g.node(id).children) {
      if (!g.node(p).removed) stack.emplace_back(p, false);
    }
  }
}

}  // namespace

std::vector<NodeId> MigrationGraph::forwards_plan(NodeId target) const {
  std::vector<uint8_t> state(nodes_.size(), 0);
  std::vector<NodeId> plan;
  plan_from(*this, target, state, plan);
  return plan;
}

std::vector<NodeId> MigrationGraph::backwards_plan(NodeId target) const {
  std::vector<uint8_t> state(nodes_.size(), 0);
  std::vector<NodeId> plan;
  plan_from(*this, target, state, plan, false);
  return plan;
}

std::vector<NodeId> MigrationGraph::roots(std::string_view app) const {
  std::vector<NodeId> out;
  const auto it = app_nodes_.find(std::string(app));
  if (it == app_nodes_.end()) return out;
  for (const NodeId id : it->second) {
    const Node& n = nodes_[id];
    if (n.removed || n.migration == nullptr) continue;
    const bool root = std::none_of(n.parents.begin(), n.parents.end(),
                                   [&](NodeId p) { return nodes_[p].app == n.app && !nodes_[p].removed; });
    if (root) out.push_back(id);
  }
  std::sort(out.begin(), out.end(), [this](NodeId a, NodeId b) { return key_less(a, b); });
  return out;
}

void MigrationGraph::compute_plan() {
  // Django's _generate_plan over every leaf.
  std::vector<uint8_t> state(nodes_.size(), 0);  // 0 new, 1 in progress, 2 planned
  auto visit = [&](NodeId start) { plan_from(*this, start, state, plan_); };
  for (const NodeId leaf : all_leaves()) visit(leaf);
  // Nodes no leaf reaches (only on a cycle) still get replayed, in key order.
  std::vector<NodeId> rest;
  for (NodeId id = 0; id < nodes_.size(); ++id) {
    if (!nodes_[id].removed && nodes_[id].migration != nullptr && state[id] != 2) rest.push_back(id);
  }
  std::sort(rest.begin(), rest.end(), [this](NodeId a, NodeId b) { return key_less(a, b); });
  for (const NodeId id : rest) visit(id);
}

void MigrationGraph::compute_cycles() {
  // Tarjan's strongly connected components, iteratively.
  const auto count = static_cast<NodeId>(nodes_.size());
  constexpr NodeId kUnvisited = UINT32_MAX;
  std::vector<NodeId> index(count, kUnvisited);
  std::vector<NodeId> low(count, 0);
  std::vector<bool> on_stack(count, false);
  std::vector<NodeId> stack;
  std::vector<std::vector<NodeId>> components;
  NodeId counter = 0;
  struct Frame {
    NodeId node;
    size_t next;
  };
  for (NodeId start = 0; start < count; ++start) {
    if (index[start] != kUnvisited || nodes_[start].removed) continue;
    std::vector<Frame> frames{{start, 0}};
    index[start] = low[start] = counter++;
    stack.push_back(start);
    on_stack[start] = true;
    while (!frames.empty()) {
      Frame& f = frames.back();
      const auto& parents = nodes_[f.node].parents;
      if (f.next < parents.size()) {
        const NodeId p = parents[f.next++];
        if (nodes_[p].removed) continue;
        if (index[p] == kUnvisited) {
          index[p] = low[p] = counter++;
          stack.push_back(p);
          on_stack[p] = true;
          frames.push_back({p, 0});
        } else if (on_stack[p]) {
          low[f.node] = std::min(low[f.node], index[p]);
        }
        continue;
      }
      const NodeId done = f.node;
      frames.pop_back();
      if (!frames.empty()) low[frames.back().node] = std::min(low[frames.back().node], low[done]);
      if (low[done] == index[done]) {
        std::vector<NodeId> component;
        NodeId w = 0;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          component.push_back(w);
        } while (w != done);
        const auto& ps = nodes_[done].parents;
        const bool self_loop = std::find(ps.begin(), ps.end(), done) != ps.end();
        if (component.size() > 1 || self_loop) components.push_back(std::move(component));
      }
    }
  }

  for (auto& component : components) {
    std::sort(component.begin(), component.end(), [this](NodeId a, NodeId b) { return key_less(a, b); });
    const NodeId first = component.front();
    const std::unordered_set<NodeId> members(component.begin(), component.end());
    // The entry in the first migration's file that points into the cycle: a dependency on a
    // member, or a run_before naming one; the earliest in the file. When that file declares no
    // edge of the cycle (the first migration depends on a member only through the member's
    // `run_before`), the entry that declares such a dependency, earliest by (file, position).
    std::optional<size_t> chosen;
    std::optional<size_t> elsewhere;
    for (size_t i = 0; i < edges_.size(); ++i) {
      const Edge& e = edges_[i];
      if (e.declared_in == nodes_[first].migration) {
        const bool inside = e.run_before ? (e.parent == first && members.contains(e.child))
                                         : (e.child == first && members.contains(e.parent));
        if (inside && (!chosen || e.entry.begin < edges_[*chosen].entry.begin)) chosen = i;
      } else if (e.child == first && members.contains(e.parent)) {
        const auto order = [](const Edge& x) {
          return std::tie(x.declared_in->app_label, x.declared_in->name, x.entry.begin);
        };
        if (!elsewhere || order(e) < order(edges_[*elsewhere])) elsewhere = i;
      }
    }
    if (!chosen) chosen = elsewhere;
    if (!chosen) continue;
    const Edge& e = edges_[*chosen];
    // Walk from `from` to `to` through dependencies inside the component (BFS: shortest path).
    auto path = [&](NodeId from, NodeId to) {
      std::unordered_map<NodeId, NodeId> previous{{from, from}};
      std::deque<NodeId> queue{from};
      while (!queue.empty() && !previous.contains(to)) {
        const NodeId n = queue.front();
        queue.pop_front();
        for (const NodeId p : nodes_[n].parents) {
          if (members.contains(p) && !previous.contains(p)) {
            previous[p] = n;
            queue.push_back(p);
          }
        }
      }
      std::vector<NodeId> out;
      if (!previous.contains(to)) return out;
      for (NodeId n = to; n != from; n = previous[n]) out.push_back(n);
      out.push_back(from);
      std::reverse(out.begin(), out.end());
      return out;
    };
    Cycle cycle;
    cycle.entry = *chosen;
    if (e.child == first) {
      // first -> parent ... -> first
      if (e.parent == first) {
        cycle.nodes = {first};
      } else {
        cycle.nodes = path(e.parent, first);
        if (cycle.nodes.empty()) continue;
        cycle.nodes.pop_back();
        cycle.nodes.insert(cycle.nodes.begin(), first);
      }
    } else {
      // A run_before in first's file: child -> first ... -> child; listed from first.
      cycle.nodes = path(first, e.child);
      if (cycle.nodes.empty()) continue;
    }
    cycles_.push_back(std::move(cycle));
  }
  std::sort(cycles_.begin(), cycles_.end(),
            [this](const Cycle& a, const Cycle& b) { return key_less(a.nodes.front(), b.nodes.front()); });
}

const MigrationGraph::Edge* MigrationGraph::edge(NodeId child, NodeId parent) const {
  for (const Edge& e : edges_) {
    if (e.child == child && e.parent == parent) return &e;
  }
  return nullptr;
}

std::vector<NodeId> MigrationGraph::ancestors(NodeId id) const {
  std::vector<NodeId> out;
  std::vector<bool> seen(nodes_.size(), false);
  std::vector<NodeId> pending{id};
  seen[id] = true;
  while (!pending.empty()) {
    const NodeId n = pending.back();
    pending.pop_back();
    for (const NodeId p : nodes_[n].parents) {
      if (seen[p] || nodes_[p].removed) continue;
      seen[p] = true;
      out.push_back(p);
      pending.push_back(p);
    }
  }
  std::sort(out.begin(), out.end(), [this](NodeId a, NodeId b) { return key_less(a, b); });
  return out;
}

}  // namespace godwit::graph
