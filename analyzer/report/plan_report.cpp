#include "analyzer/report/plan_report.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace godwit::report {

namespace {

using json = nlohmann::ordered_json;

std::string name(const ir::Migration& m) { return m.app_label + "." + m.name; }

std::string location(const plan::Note& n) {
  return n.migration->file().path() + ":" + std::to_string(n.migration->file().position(n.range.begin).line);
}

// `migrate <app> <last migration>` for each app, to apply exactly a group of migrations.
std::vector<std::string> apply_commands(const std::vector<plan::PlannedMigration>& group) {
  std::map<std::string, std::string> last;
  std::vector<std::string> order;
  for (const auto& p : group) {
    if (!last.contains(p.migration->app_label)) order.push_back(p.migration->app_label);
    last[p.migration->app_label] = p.migration->name;
  }
  std::vector<std::string> out;
  for (const auto& app : order) out.push_back("python manage.py migrate " + app + " " + last[app]);
  return out;
}

json notes(const std::vector<plan::Note>& list) {
  json out = json::array();
  for (const auto& n : list) {
    out.push_back({{"path", n.migration->file().path()},
                   {"line", n.migration->file().position(n.range.begin).line},
                   {"text", n.text}});
  }
  return out;
}

json planned(const std::vector<plan::PlannedMigration>& group) {
  json out = json::array();
  for (const auto& p : group) {
    out.push_back({{"app", p.migration->app_label},
                   {"name", p.migration->name},
                   {"path", p.migration->file().path()},
                   {"reason", p.reason}});
  }
  return out;
}

}  // namespace

void write_plan_json(std::ostream& out, const plan::DeployPlan& plan, const PlanHeader& header) {
  json doc;
  doc["scope"] = header.scope;
  json release = json::array();
  for (const ir::Migration* m : plan.release) release.push_back({{"app", m->app_label}, {"name", m->name}});
  doc["release"] = std::move(release);
  doc["before_deploy"] = planned(plan.before_deploy);
  doc["before_deploy_commands"] = apply_commands(plan.before_deploy);
  doc["after_deploy"] = planned(plan.after_deploy);
  doc["after_deploy_commands"] = apply_commands(plan.after_deploy);
  json rollback = json::array();
  for (const auto& step : plan.rollback) {
    json unapplies = json::array();
    for (size_t i = 0; i < step.unapplies.size(); ++i) {
      const auto& u = step.unapplies[i];
      unapplies.push_back({{"app", u.migration->app_label},
                           {"name", u.migration->name},
                           {"reversible", u.reversible == ir::Tri::Unknown ? json(nullptr) : json(u.reversible == ir::Tri::Yes)},
                           {"blocking", notes(u.blockers)},
                           {"data", notes(u.losses)}});
    }
    json s{{"command", step.command}, {"app", step.app}, {"target", step.target}, {"unapplies", std::move(unapplies)}};
    if (step.fails_at) {
      s["fails_at"] = {{"app", step.unapplies[*step.fails_at].migration->app_label},
                       {"name", step.unapplies[*step.fails_at].migration->name},
                       {"error", step.error}};
    } else {
      s["fails_at"] = nullptr;
    }
    s["uncertain"] = step.uncertain;
    rollback.push_back(std::move(s));
  }
  doc["rollback"] = std::move(rollback);
  json multi = json::array();
  for (const auto& item : plan.multi_step) {
    multi.push_back({{"path", item.operation.migration->file().path()},
                     {"line", item.operation.migration->file().position(item.operation.range.begin).line},
                     {"migration", name(*item.operation.migration)},
                     {"operation", item.what},
                     {"why", item.operation.text},
                     {"recipe", item.recipe}});
  }
  doc["multi_step"] = std::move(multi);
  out << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

void write_plan_text(std::ostream& out, const plan::DeployPlan& plan, const PlanHeader& header, bool color) {
  auto bold = [color](const std::string& s) { return color ? "\x1b[1m" + s + "\x1b[0m" : s; };
  auto red = [color](const std::string& s) { return color ? "\x1b[31m" + s + "\x1b[0m" : s; };
  if (plan.release.empty()) {
    out << "Nothing to deploy: no migration " << header.scope << ".\n";
    return;
  }
  std::set<std::string> apps;
  for (const ir::Migration* m : plan.release) apps.insert(m->app_label);
  out << bold("Deploy plan") << ": " << plan.release.size() << " migration" << (plan.release.size() == 1 ? "" : "s")
      << " in " << apps.size() << " app" << (apps.size() == 1 ? "" : "s") << ", " << header.scope << "\n\n";
  size_t width = 0;
  for (const ir::Migration* m : plan.release) width = std::max(width, name(*m).size());
  auto group = [&](const std::vector<plan::PlannedMigration>& g) {
    for (const auto& p : g) {
      std::string n = name(*p.migration);
      n.resize(width, ' ');
      out << "   " << n << "  " << p.reason << "\n";
    }
  };

  out << bold("1. Before the code deploy") << " (the old code keeps working)\n";
  if (plan.before_deploy.empty()) out << "   nothing\n";
  group(plan.before_deploy);
  for (const auto& c : apply_commands(plan.before_deploy)) out << "   $ " << c << "\n";
  out << "\n" << bold("2. After the code deploy") << " (hold these until the new code serves all traffic)\n";
  if (plan.after_deploy.empty()) out << "   nothing\n";
  group(plan.after_deploy);
  for (const auto& c : apply_commands(plan.after_deploy)) out << "   $ " << c << "\n";

  out << "\n" << bold("3. Rollback") << " (undoes the release; run in this order)\n";
  if (plan.rollback.empty()) out << "   nothing to undo\n";
  for (const auto& step : plan.rollback) {
    out << "   $ " << step.command;
    if (step.fails_at) {
      out << "   " << red("# fails: " + step.error + " at " + name(*step.unapplies[*step.fails_at].migration));
    } else if (step.uncertain) {
      out << "   # reversibility of custom operations unknown";
    } else {
      out << "   # reversible";
    }
    out << "\n";
    for (size_t i = 0; i < step.unapplies.size(); ++i) {
      const auto& u = step.unapplies[i];
      const bool stopped = step.fails_at && i > *step.fails_at;
      out << "       " << (step.fails_at && i == *step.fails_at ? "x " : stopped ? "- " : "< ") << name(*u.migration);
      if (stopped) out << "  (not reached)";
      out << "\n";
      for (const auto& b : u.blockers) out << "           " << red("blocks: ") << b.text << "  " << location(b) << "\n";
      for (const auto& l : u.losses) out << "           data: " << l.text << "  " << location(l) << "\n";
    }
  }

  out << "\n" << bold("4. Not safe in one release") << "\n";
  if (plan.multi_step.empty()) out << "   nothing: every operation fits one deploy phase\n";
  for (const auto& item : plan.multi_step) {
    out << "   " << location(item.operation) << "  " << item.operation.text << "\n";
    for (const auto& step : item.recipe) out << "       - " << step << "\n";
  }
}

}  // namespace godwit::report
