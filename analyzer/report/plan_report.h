#pragma once

#include <ostream>
#include <string>

#include "analyzer/plan/deploy_plan.h"

namespace godwit::report {

struct PlanHeader {
  std::string scope;  // "since origin/main", "not yet applied (from showmigrations.txt)", "all migrations"
};

// `godwit plan` for people: before and after the deploy, the rollback, the multi-step work.
void write_plan_text(std::ostream& out, const plan::DeployPlan& plan, const PlanHeader& header, bool color);
// The same for pipelines.
void write_plan_json(std::ostream& out, const plan::DeployPlan& plan, const PlanHeader& header);

}  // namespace godwit::report
