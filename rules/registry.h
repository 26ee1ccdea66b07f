#pragma once

#include <span>

#include "analyzer/rule/rule.h"

namespace godwit::rules {

// Every rule godwit has, sorted by id. Built once, immutable.
std::span<const rule::Rule* const> all_rules();

}  // namespace godwit::rules
