// How an operation's arguments are matched to Django's parameter names.
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "analyzer/ir/operation.h"

namespace {

using namespace godwit::ir;

Operation run_sql(std::vector<Value> positional, bool unpacking = false) {
  Value call = Value::call("django.db.migrations.RunSQL", NameOrigin::Imported, std::move(positional), {}, {});
  if (unpacking) call.set_unpacking(true);
  return Operation(OperationKind::RunSQL, std::move(call));
}

}  // namespace

TEST_CASE("a positional argument godwit cannot evaluate still takes its position", "[unit]") {
  std::vector<Value> args;
  args.push_back(Value::string("CREATE INDEX shop_order_idx ON shop_order (created_at)", {}));
  args.push_back(Value::opaque("\"DROP INDEX \" + INDEX_NAME", {}));
  const Operation op = run_sql(std::move(args));
  const Argument reverse = op.arg(Param::reverse_sql);
  REQUIRE(reverse.present());
  CHECK(reverse.value->is_opaque());
  CHECK_FALSE(reverse.absent_or_none());
}

TEST_CASE("after *args the positions are unknown", "[unit]") {
  std::vector<Value> args;
  args.push_back(Value::opaque("*SQL_PAIR", {}));
  args.push_back(Value::string("DROP TABLE shop_audit", {}));
  const Operation op = run_sql(std::move(args), /*unpacking=*/true);
  CHECK_FALSE(op.arg(Param::sql).present());
  const Argument reverse = op.arg(Param::reverse_sql);
  CHECK_FALSE(reverse.present());
  CHECK(reverse.maybe_passed);
  CHECK_FALSE(reverse.absent_or_none());
  CHECK(op.has_unmatched_arguments());
}
