#include "tests/bench/project_generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace godwit::bench {

namespace fs = std::filesystem;

namespace {

// splitmix64: tiny, fast, and the same sequence everywhere (std::uniform_int_distribution is not).
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
  size_t between(size_t lo, size_t hi) { return lo + below(hi - lo + 1); }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <typename T, size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[below(N)];
  }

 private:
  uint64_t state_;
};

constexpr std::array<std::string_view, 64> kAppNames{
    "core",       "accounts",   "billing",   "catalog",   "orders",    "payments",  "shipping",  "inventory",
    "reviews",    "search",     "analytics", "marketing", "support",   "messaging", "notifications", "profiles",
    "teams",      "projects",   "tasks",     "calendar",  "documents", "media",     "comments",  "tags",
    "audit",      "reports",    "exports",   "imports",   "webhooks",  "integrations", "pricing", "discounts",
    "invoices",   "subscriptions", "plans",  "usage",     "quotas",    "regions",   "warehouses", "suppliers",
    "returns",    "refunds",    "loyalty",   "referrals", "affiliates", "campaigns", "newsletters", "surveys",
    "forms",      "workflows",  "approvals", "contracts", "assets",    "licenses",  "devices",   "sessions",
    "security",   "compliance", "gdpr",      "legal",     "help",      "knowledge", "forum",     "chat"};

constexpr std::array<std::string_view, 48> kModelNouns{
    "Order",    "Invoice",  "Customer", "Product",  "Item",      "Payment",  "Refund",   "Shipment", "Address",
    "Account",  "Profile",  "Team",     "Project",  "Task",      "Event",    "Document", "Attachment", "Comment",
    "Tag",      "Category", "Review",   "Rating",   "Message",   "Thread",   "Notification", "Report", "Export",
    "Batch",    "Schedule", "Plan",     "Subscription", "Coupon", "Discount", "Warehouse", "Supplier", "Contract",
    "Asset",    "License",  "Device",   "Session",  "Token",     "Webhook",  "Campaign", "Segment",  "Survey",
    "Answer",   "Workflow", "Approval"};

constexpr std::array<std::string_view, 16> kModelQualifiers{
    "", "Line", "Entry", "Log", "Setting", "Snapshot", "Version", "Link", "Rule", "Note", "Request", "Record",
    "Group", "Option", "Stat", "Archive"};

constexpr std::array<std::string_view, 72> kFieldNouns{
    "status",     "title",      "name",        "slug",       "description", "note",       "code",
    "reference",  "amount",     "total",       "price",      "quantity",    "weight",     "currency",
    "email",      "phone",      "url",         "country",    "city",        "postal_code", "street",
    "created_at", "updated_at", "closed_at",   "due_date",   "starts_on",   "ends_on",    "is_active",
    "is_public",  "is_archived", "priority",   "position",   "score",       "rank",       "source",
    "channel",    "locale",     "timezone",    "external_id", "checksum",   "payload",    "metadata",
    "settings",   "comment",    "summary",     "body",       "subject",     "kind",       "level",
    "color",      "icon",       "label",       "version",    "revision",    "attempts",   "retries",
    "duration",   "size",       "width",       "height",     "latitude",    "longitude",  "ip_address",
    "user_agent", "token",      "secret_hash", "expires_at", "verified_at", "opened_at",  "read_at",
    "sent_at",    "deleted_at"};

constexpr std::array<std::string_view, 12> kVerbs{"backfill", "populate", "normalize", "migrate",  "copy",   "fix",
                                                  "recompute", "cleanup", "convert",   "sync",     "rebuild", "seed"};

enum class FieldType : uint8_t {
  Char, Text, Integer, PositiveInteger, BigInteger, Boolean, DateTime, Date, Decimal, ForeignKey, OneToOne,
  Uuid, Json, Email, Slug, Url, ManyToMany,
};

struct Field {
  std::string name;
  FieldType type = FieldType::Char;
  bool null = false;
  bool blank = false;
  bool db_index = false;
  int max_length = 100;
  std::string target;          // relations: "app.model", or "" for the swappable user model
  std::string related_name;
  std::string help_text;
};

struct Model {
  std::string name;
  std::vector<Field> fields;
  bool alive = true;
  int indexes = 0;
};

// The modules a migration's text needs imported.
struct Imports {
  bool deletion = false;
  bool timezone = false;
  bool uuid = false;
  bool settings = false;
  bool postgres = false;
  void merge(const Imports& other) {
    deletion |= other.deletion;
    timezone |= other.timezone;
    uuid |= other.uuid;
    settings |= other.settings;
    postgres |= other.postgres;
  }
};

struct PastMigration {
  std::string name;
  std::vector<std::string> parents;         // same-app dependencies
  std::vector<std::string> operations;      // schema operations as written (what a squash keeps)
  std::vector<std::string> external_deps;   // rendered dependency entries on other apps
  Imports imports;
};

struct App {
  std::string label;
  char quote = '\'';
  bool verbose_names = false;  // every field has a verbose_name (projects translated with gettext)
  size_t quota = 0;
  size_t made = 0;
  int number = 0;
  std::vector<Model> models;
  std::vector<std::string> leaves;
  std::vector<PastMigration> since_squash;  // what the next squash replaces
  size_t squash_after = 0;
  int model_counter = 0;
};

// One migration module being written.
struct Module {
  std::vector<std::string> functions;
  std::vector<std::string> constants;
  std::vector<std::string> dependencies;  // rendered entries
  std::vector<std::string> external_deps;
  std::vector<std::string> operations;
  std::vector<std::string> schema_operations;  // the subset a squash would keep
  std::vector<std::string> replaces;
  Imports imports;
  bool initial = false;
  bool non_atomic = false;
};

class Generator {
 public:
  Generator(const fs::path& root, const GeneratorOptions& options) : root_(root), random_(options.seed) {
    const size_t app_count = options.apps != 0 ? options.apps : 50 + options.files / 1000;
    if (options.files < app_count * 3) throw std::invalid_argument("too few files for the number of apps");
    for (size_t i = 0; i < app_count; ++i) {
      App app;
      app.label = i < kAppNames.size() ? std::string(kAppNames[i])
                                       : std::string(kAppNames[i % kAppNames.size()]) + std::to_string(i);
      app.quote = random_.chance(40) ? '"' : '\'';
      app.verbose_names = random_.chance(50);
      app.squash_after = random_.between(25, 60);
      apps_.push_back(std::move(app));
    }
    // One deep history (15%), the rest a long tail weighted 1/sqrt(rank), each app at least 3.
    const size_t deep = std::max<size_t>(3, options.files * 15 / 100);
    std::vector<double> weights;
    double total_weight = 0;
    for (size_t i = 1; i < app_count; ++i) {
      weights.push_back(1.0 / std::sqrt(static_cast<double>(i)));
      total_weight += weights.back();
    }
    apps_[0].quota = deep;
    size_t assigned = deep;
    const size_t rest = options.files - deep - 3 * (app_count - 1);
    for (size_t i = 1; i < app_count; ++i) {
      apps_[i].quota = 3 + static_cast<size_t>(static_cast<double>(rest) * weights[i - 1] / total_weight);
      assigned += apps_[i].quota;
    }
    for (size_t i = 1; assigned < options.files; i = i % (app_count - 1) + 1, ++assigned) ++apps_[i].quota;
    total_files_ = options.files;
  }

  GeneratedProject run() {
    for (App& app : apps_) {
      const fs::path dir = root_ / app.label / "migrations";
      fs::create_directories(dir);
      write_file(dir / "__init__.py", "");
      write_file(root_ / app.label / "__init__.py", "");
    }
    size_t produced = 0;
    while (produced < total_files_) {
      // The app furthest behind its share of the timeline goes next: histories interleave.
      size_t best = apps_.size();
      for (size_t i = 0; i < apps_.size(); ++i) {
        if (apps_[i].made >= apps_[i].quota) continue;
        if (best == apps_.size() || (apps_[i].made + 1) * apps_[best].quota < (apps_[best].made + 1) * apps_[i].quota) {
          best = i;
        }
      }
      const size_t before = apps_[best].made;
      step(best);
      produced += apps_[best].made - before;
      ++tick_;
    }
    result_.apps = apps_.size();
    for (const App& app : apps_) result_.largest_app = std::max(result_.largest_app, app.made);
    return result_;
  }

 private:
  // ---- text helpers ----

  std::string q(const App& app, std::string_view text) const {
    std::string out(1, app.quote);
    out += text;
    out += app.quote;
    return out;
  }

  static std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
  }

  static std::string number(int n) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d", n);
    return buf;
  }

  std::string timestamp() const {
    // A migration every few hours, starting in 2019.
    const size_t hours = tick_ * 7;
    const size_t day = hours / 24;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04zu%02zu%02zu_%02zu%02zu", 2019 + day / 336, 1 + (day / 28) % 12, 1 + day % 28,
                  hours % 24, (tick_ * 13) % 60);
    return buf;
  }

  std::string generated_header() const {
    const std::string t = timestamp();
    char buf[96];
    std::snprintf(buf, sizeof buf, "# Generated by Django %d.%d.%d on %.4s-%.2s-%.2s %.2s:%.2s\n\n",
                  tick_ < total_files_ / 3 ? 3 : 4, tick_ < total_files_ / 3 ? 2 : 2, static_cast<int>(tick_ % 23),
                  t.c_str(), t.c_str() + 4, t.c_str() + 6, t.c_str() + 9, t.c_str() + 11);
    return buf;
  }

  // ---- fields ----

  Field random_field(App& app, size_t app_index, Model& model, Module& module) {
    Field f;
    for (int attempt = 0; attempt < 20; ++attempt) {
      f.name = std::string(random_.pick(kFieldNouns));
      if (attempt > 10) f.name += "_" + std::to_string(random_.between(2, 99));
      const bool taken = std::any_of(model.fields.begin(), model.fields.end(),
                                     [&](const Field& other) { return other.name == f.name; });
      if (!taken) break;
    }
    const size_t roll = random_.below(100);
    if (roll < 22) {
      f.type = FieldType::Char;
      f.max_length = static_cast<int>(random_.pick(std::array<size_t, 6>{20, 32, 64, 100, 128, 255}));
    } else if (roll < 30) {
      f.type = FieldType::Text;
    } else if (roll < 37) {
      f.type = FieldType::Integer;
    } else if (roll < 41) {
      f.type = FieldType::PositiveInteger;
    } else if (roll < 44) {
      f.type = FieldType::BigInteger;
    } else if (roll < 52) {
      f.type = FieldType::Boolean;
    } else if (roll < 60) {
      f.type = FieldType::DateTime;
    } else if (roll < 64) {
      f.type = FieldType::Date;
    } else if (roll < 70) {
      f.type = FieldType::Decimal;
    } else if (roll < 82) {
      f.type = FieldType::ForeignKey;
    } else if (roll < 84) {
      f.type = FieldType::OneToOne;
    } else if (roll < 87) {
      f.type = FieldType::Uuid;
    } else if (roll < 91) {
      f.type = FieldType::Json;
    } else if (roll < 94) {
      f.type = FieldType::Email;
    } else if (roll < 96) {
      f.type = FieldType::Slug;
    } else if (roll < 98) {
      f.type = FieldType::Url;
    } else {
      f.type = FieldType::ManyToMany;
    }
    f.null = random_.chance(30);
    f.blank = f.null || random_.chance(15);
    f.db_index = random_.chance(8);
    if (random_.chance(15)) f.help_text = "The " + f.name + " as shown to staff and in exports.";
    if (f.type == FieldType::ForeignKey || f.type == FieldType::OneToOne || f.type == FieldType::ManyToMany) {
      choose_target(app, app_index, model, f, module);
    }
    return f;
  }

  // A relation to a model of this app or of an earlier one (a cross-app dependency), or to the
  // swappable user model.
  void choose_target(App& app, size_t app_index, const Model& model, Field& f, Module& module) {
    f.related_name = lower(model.name) + "_" + f.name + "s";
    if (random_.chance(15)) {
      f.target.clear();
      module.imports.settings = true;
      const std::string entry = "migrations.swappable_dependency(settings.AUTH_USER_MODEL)";
      add_dependency(module, entry, true);
      return;
    }
    if (app_index > 0 && random_.chance(45)) {
      App& other = apps_[random_.below(app_index)];
      std::vector<const Model*> alive;
      for (const Model& m : other.models) {
        if (m.alive) alive.push_back(&m);
      }
      if (!alive.empty() && !other.leaves.empty()) {
        f.target = other.label + "." + lower(alive[random_.below(alive.size())]->name);
        add_dependency(module, "(" + q(app, other.label) + ", " + q(app, other.leaves.front()) + ")", true);
        return;
      }
    }
    f.target = app.label + "." + lower(model.name);
  }

  void add_dependency(Module& module, const std::string& entry, bool external) {
    if (std::find(module.dependencies.begin(), module.dependencies.end(), entry) != module.dependencies.end()) return;
    module.dependencies.push_back(entry);
    if (external) {
      module.external_deps.push_back(entry);
      ++result_.cross_app_dependencies;
    }
  }

  std::string render_field(const App& app, const Field& f, Imports& imports) const {
    std::vector<std::string> options;
    std::string cls;
    auto flag = [&](std::string_view name, bool on) {
      if (on) options.push_back(std::string(name) + "=True");
    };
    switch (f.type) {
      case FieldType::Char:
        cls = "models.CharField";
        flag("blank", f.blank);
        if (!f.null && !f.blank && f.name == "status") {
          options.push_back("choices=[(" + q(app, "new") + ", " + q(app, "New") + "), (" + q(app, "active") + ", " +
                            q(app, "Active") + "), (" + q(app, "closed") + ", " + q(app, "Closed") + ")]");
          options.push_back("default=" + q(app, "new"));
        }
        flag("db_index", f.db_index);
        options.push_back("max_length=" + std::to_string(f.max_length));
        flag("null", f.null);
        break;
      case FieldType::Text:
        cls = "models.TextField";
        flag("blank", f.blank);
        flag("null", f.null);
        break;
      case FieldType::Integer:
        cls = "models.IntegerField";
        if (!f.null) options.push_back("default=0");
        flag("null", f.null);
        break;
      case FieldType::PositiveInteger:
        cls = "models.PositiveIntegerField";
        if (!f.null) options.push_back("default=1");
        flag("null", f.null);
        break;
      case FieldType::BigInteger:
        cls = "models.BigIntegerField";
        flag("blank", f.blank);
        flag("null", f.null);
        break;
      case FieldType::Boolean:
        cls = "models.BooleanField";
        options.push_back(f.null ? "null=True" : "default=False");
        break;
      case FieldType::DateTime:
        cls = "models.DateTimeField";
        if (f.name == "created_at") {
          options.push_back("auto_now_add=True");
        } else if (f.name == "updated_at") {
          options.push_back("auto_now=True");
        } else if (!f.null) {
          options.push_back("default=django.utils.timezone.now");
          imports.timezone = true;
        } else {
          flag("blank", f.blank);
          options.push_back("null=True");
        }
        break;
      case FieldType::Date:
        cls = "models.DateField";
        flag("blank", f.blank);
        flag("null", f.null);
        break;
      case FieldType::Decimal:
        cls = "models.DecimalField";
        options.push_back("decimal_places=2");
        if (!f.null) options.push_back("default=0");
        options.push_back("max_digits=" + std::to_string(f.max_length % 7 + 10));
        flag("null", f.null);
        break;
      case FieldType::ForeignKey:
      case FieldType::OneToOne:
        cls = f.type == FieldType::ForeignKey ? "models.ForeignKey" : "models.OneToOneField";
        flag("blank", f.blank);
        flag("null", f.null);
        options.push_back(std::string("on_delete=django.db.models.deletion.") +
                          (f.null ? "SET_NULL" : f.target.empty() ? "PROTECT" : "CASCADE"));
        imports.deletion = true;
        options.push_back("related_name=" + q(app, f.related_name));
        if (f.target.empty()) {
          options.push_back("to=settings.AUTH_USER_MODEL");
          imports.settings = true;
        } else {
          options.push_back("to=" + q(app, f.target));
        }
        break;
      case FieldType::ManyToMany:
        cls = "models.ManyToManyField";
        options.push_back("blank=True");
        options.push_back("related_name=" + q(app, f.related_name));
        if (f.target.empty()) {
          options.push_back("to=settings.AUTH_USER_MODEL");
          imports.settings = true;
        } else {
          options.push_back("to=" + q(app, f.target));
        }
        break;
      case FieldType::Uuid:
        cls = "models.UUIDField";
        options.push_back("default=uuid.uuid4");
        options.push_back("editable=False");
        flag("null", f.null);
        if (!f.null) options.push_back("unique=True");
        imports.uuid = true;
        break;
      case FieldType::Json:
        cls = "models.JSONField";
        options.push_back("blank=True");
        options.push_back("default=dict");
        break;
      case FieldType::Email:
        cls = "models.EmailField";
        flag("blank", f.blank);
        options.push_back("max_length=254");
        flag("null", f.null);
        break;
      case FieldType::Slug:
        cls = "models.SlugField";
        options.push_back("max_length=" + std::to_string(f.max_length));
        if (!f.null) options.push_back("unique=True");
        flag("null", f.null);
        break;
      case FieldType::Url:
        cls = "models.URLField";
        options.push_back("blank=True");
        options.push_back("max_length=" + std::to_string(std::max(200, f.max_length)));
        break;
    }
    if (!f.help_text.empty()) options.push_back("help_text=" + q(app, f.help_text));
    if (app.verbose_names) {
      std::string verbose = f.name;
      std::replace(verbose.begin(), verbose.end(), '_', ' ');
      options.push_back("verbose_name=" + q(app, verbose));
    }
    std::string out = cls + "(";
    for (size_t i = 0; i < options.size(); ++i) {
      if (i > 0) out += ", ";
      out += options[i];
    }
    return out + ")";
  }

  // ---- operations ----

  std::string create_model(App& app, size_t app_index, Module& module, size_t min_fields, size_t max_fields) {
    Model model;
    for (int attempt = 0; attempt < 50; ++attempt) {
      model.name = std::string(random_.pick(kModelNouns)) + std::string(random_.pick(kModelQualifiers));
      if (attempt > 20) model.name += std::to_string(++app.model_counter);
      const bool taken =
          std::any_of(app.models.begin(), app.models.end(), [&](const Model& m) { return lower(m.name) == lower(model.name); });
      if (!taken) break;
    }
    const size_t count = random_.between(min_fields, max_fields);
    for (size_t i = 0; i < count; ++i) model.fields.push_back(random_field(app, app_index, model, module));
    std::string text = "        migrations.CreateModel(\n            name=" + q(app, model.name) +
                       ",\n            fields=[\n                (" + q(app, "id") +
                       ", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name=" +
                       q(app, "ID") + ")),\n";
    for (const Field& f : model.fields) {
      text += "                (" + q(app, f.name) + ", " + render_field(app, f, module.imports) + "),\n";
    }
    text += "            ],\n";
    if (random_.chance(40)) {
      text += "            options={\n                " + q(app, "ordering") + ": [" + q(app, "-id") + "],\n";
      if (random_.chance(50)) {
        text += "                " + q(app, "verbose_name_plural") + ": " + q(app, lower(model.name) + "s") + ",\n";
      }
      if (model.fields.size() > 3 && random_.chance(40)) {
        text += "                " + q(app, "indexes") + ": [models.Index(fields=[" + q(app, model.fields[0].name) +
                ", " + q(app, model.fields[1].name) + "], name=" +
                q(app, lower(model.name).substr(0, 12) + "_" + std::to_string(model.indexes++) + "_idx") + ")],\n";
      }
      text += "            },\n";
    }
    text += "        ),\n";
    app.models.push_back(std::move(model));
    return text;
  }

  Model* random_model(App& app) {
    std::vector<Model*> alive;
    for (Model& m : app.models) {
      if (m.alive) alive.push_back(&m);
    }
    return alive.empty() ? nullptr : alive[random_.below(alive.size())];
  }

  std::string add_field(App& app, size_t app_index, Model& model, Module& module) {
    Field f = random_field(app, app_index, model, module);
    // New columns usually arrive nullable or with a default; not always.
    if (!f.null && random_.chance(60)) f.null = f.blank = true;
    std::string text = "        migrations.AddField(\n            model_name=" + q(app, lower(model.name)) +
                       ",\n            name=" + q(app, f.name) + ",\n            field=" +
                       render_field(app, f, module.imports) + ",\n";
    if (random_.chance(10)) text += "            preserve_default=False,\n";
    text += "        ),\n";
    model.fields.push_back(std::move(f));
    return text;
  }

  std::string alter_field(App& app, Model& model, Module& module) {
    if (model.fields.empty()) return {};
    Field& f = model.fields[random_.below(model.fields.size())];
    switch (random_.below(5)) {
      case 0: f.max_length += 50; break;
      case 1: f.null = !f.null; f.blank = f.null; break;
      case 2: f.db_index = !f.db_index; break;
      case 3: f.help_text = f.help_text.empty() ? "Shown in the admin." : ""; break;
      default: f.blank = !f.blank; break;
    }
    return "        migrations.AlterField(\n            model_name=" + q(app, lower(model.name)) + ",\n            name=" +
           q(app, f.name) + ",\n            field=" + render_field(app, f, module.imports) + ",\n        ),\n";
  }

  std::string remove_field(App& app, Model& model) {
    if (model.fields.size() < 2) return {};
    const size_t i = random_.below(model.fields.size());
    const std::string name = model.fields[i].name;
    model.fields.erase(model.fields.begin() + static_cast<long>(i));
    return "        migrations.RemoveField(\n            model_name=" + q(app, lower(model.name)) + ",\n            name=" +
           q(app, name) + ",\n        ),\n";
  }

  std::string rename_field(App& app, Model& model) {
    if (model.fields.empty()) return {};
    Field& f = model.fields[random_.below(model.fields.size())];
    const std::string old_name = f.name;
    std::string new_name = old_name + "_" + std::string(random_.pick(std::array<std::string_view, 4>{"old", "v2", "raw", "new"}));
    if (std::any_of(model.fields.begin(), model.fields.end(), [&](const Field& other) { return other.name == new_name; })) {
      return {};
    }
    f.name = new_name;
    return "        migrations.RenameField(\n            model_name=" + q(app, lower(model.name)) +
           ",\n            old_name=" + q(app, old_name) + ",\n            new_name=" + q(app, new_name) +
           ",\n        ),\n";
  }

  std::string index_or_constraint(App& app, Model& model, Module& module) {
    if (model.fields.size() < 2) return {};
    const Field& a = model.fields[random_.below(model.fields.size())];
    const Field& b = model.fields[random_.below(model.fields.size())];
    const std::string model_key = lower(model.name);
    const std::string base = model_key.substr(0, 10) + "_" + a.name.substr(0, 8) + "_" + std::to_string(model.indexes++);
    switch (random_.below(4)) {
      case 0:
        if (random_.chance(40)) {
          module.imports.postgres = true;
          module.non_atomic = true;
          return "        AddIndexConcurrently(\n            model_name=" + q(app, model_key) +
                 ",\n            index=models.Index(fields=[" + q(app, a.name) + "], name=" + q(app, base + "_idx") +
                 "),\n        ),\n";
        }
        return "        migrations.AddIndex(\n            model_name=" + q(app, model_key) +
               ",\n            index=models.Index(fields=[" + q(app, a.name) + ", " + q(app, "-" + b.name) +
               "], name=" + q(app, base + "_idx") + "),\n        ),\n";
      case 1:
        return "        migrations.AddConstraint(\n            model_name=" + q(app, model_key) +
               ",\n            constraint=models.UniqueConstraint(fields=(" + q(app, a.name) + ", " + q(app, b.name) +
               "), name=" + q(app, base + "_uniq") + "),\n        ),\n";
      case 2:
        return "        migrations.AddConstraint(\n            model_name=" + q(app, model_key) +
               ",\n            constraint=models.CheckConstraint(check=models.Q((" + q(app, a.name + "__isnull") +
               ", False)), name=" + q(app, base + "_check") + "),\n        ),\n";
      default:
        return "        migrations.AlterUniqueTogether(\n            name=" + q(app, model_key) +
               ",\n            unique_together={(" + q(app, a.name) + ", " + q(app, b.name) + ")},\n        ),\n";
    }
  }

  std::string model_options(App& app, Model& model) {
    return "        migrations.AlterModelOptions(\n            name=" + q(app, lower(model.name)) +
           ",\n            options={" + q(app, "ordering") + ": [" + q(app, "-" + (model.fields.empty() ? "id" : model.fields[0].name)) +
           "], " + q(app, "verbose_name") + ": " + q(app, lower(model.name)) + "},\n        ),\n";
  }

  std::string run_python(App& app, Model& model, Module& module) {
    const std::string verb(random_.pick(kVerbs));
    const std::string field = model.fields.empty() ? "id" : model.fields[random_.below(model.fields.size())].name;
    const std::string forward = verb + "_" + lower(model.name) + "_" + field;
    const std::string backward = "undo_" + forward;
    std::string body = "def " + forward + "(apps, schema_editor):\n    \"\"\"" + verb + " " + field + " on every " +
                       lower(model.name) + " row; safe to re-run.\"\"\"\n    " + model.name + " = apps.get_model(" +
                       q(app, app.label) + ", " + q(app, model.name) + ")\n    db_alias = schema_editor.connection.alias\n";
    switch (random_.below(3)) {
      case 0:
        if (module.constants.empty()) module.constants.push_back("BATCH_SIZE = " + std::to_string(random_.between(5, 50) * 100));
        body += "    batch = []\n    for row in " + model.name + ".objects.using(db_alias).filter(" + field +
                "__isnull=True).iterator(chunk_size=BATCH_SIZE):\n        row." + field +
                " = None\n        batch.append(row)\n        if len(batch) >= BATCH_SIZE:\n            " + model.name +
                ".objects.using(db_alias).bulk_update(batch, [" + q(app, field) +
                "])\n            batch = []\n    if batch:\n        " + model.name +
                ".objects.using(db_alias).bulk_update(batch, [" + q(app, field) + "])\n";
        break;
      case 1:
        body += "    seen = set()\n    for pk, value in " + model.name + ".objects.using(db_alias).values_list(" +
                q(app, "pk") + ", " + q(app, field) + "):\n        if value in seen:\n            " + model.name +
                ".objects.using(db_alias).filter(pk=pk).delete()\n        else:\n            seen.add(value)\n";
        break;
      default:
        body += "    " + model.name + ".objects.using(db_alias).filter(" + field + "__isnull=True).update(" + field +
                "=None)\n";
        break;
    }
    module.functions.push_back(body);
    std::string reverse;
    const size_t roll = random_.below(100);
    if (roll < 65) {
      module.functions.push_back("def " + backward + "(apps, schema_editor):\n    " + model.name + " = apps.get_model(" +
                                 q(app, app.label) + ", " + q(app, model.name) + ")\n    " + model.name +
                                 ".objects.update(" + field + "=None)\n");
      reverse = ", " + backward;
    } else if (roll < 90) {
      reverse = ", migrations.RunPython.noop";
    }
    return "        migrations.RunPython(" + forward + reverse + (random_.chance(30) ? ", elidable=True" : "") + "),\n";
  }

  std::string run_sql(App& app, Model& model) {
    const std::string table = app.label + "_" + lower(model.name);
    const std::string column = model.fields.empty() ? "id" : model.fields[0].name;
    const std::string index = table.substr(0, 20) + "_" + column.substr(0, 10) + "_" + std::to_string(model.indexes++);
    std::string text = "        migrations.RunSQL(\n            sql=" +
                       q(app, "CREATE INDEX CONCURRENTLY IF NOT EXISTS " + index + " ON " + table + " (" + column + ");");
    if (random_.chance(80)) text += ",\n            reverse_sql=" + q(app, "DROP INDEX IF EXISTS " + index + ";");
    return text + ",\n        ),\n";
  }

  // One schema change of any common kind; empty when the drawn kind does not apply here.
  std::string schema_operation(App& app, size_t app_index, Module& module, size_t roll) {
    Model* model = random_model(app);
    if (model == nullptr || roll < 8) return create_model(app, app_index, module, 3, 12);
    if (roll < 40) return add_field(app, app_index, *model, module);
    if (roll < 60) return alter_field(app, *model, module);
    if (roll < 68) return remove_field(app, *model);
    if (roll < 72) return rename_field(app, *model);
    if (roll < 86) return index_or_constraint(app, *model, module);
    if (roll < 90) return model_options(app, *model);
    if (roll < 91 && app.models.size() > 3) {
      model->alive = false;
      return "        migrations.DeleteModel(\n            name=" + q(app, model->name) + ",\n        ),\n";
    }
    return add_field(app, app_index, *model, module);
  }

  // ---- modules ----

  std::string render(const App& app, const Module& module) const {
    std::string text = generated_header();
    if (module.imports.settings) text += "from django.conf import settings\n";
    if (module.imports.postgres) text += "from django.contrib.postgres.operations import AddIndexConcurrently\n";
    text += "from django.db import migrations, models\n";
    if (module.imports.deletion) text += "import django.db.models.deletion\n";
    if (module.imports.timezone) text += "import django.utils.timezone\n";
    if (module.imports.uuid) text += "import uuid\n";
    text += "\n";
    for (const std::string& c : module.constants) text += c + "\n";
    if (!module.constants.empty()) text += "\n";
    for (const std::string& f : module.functions) text += "\n" + f + "\n";
    text += "\nclass Migration(migrations.Migration):\n\n";
    if (module.non_atomic) text += "    atomic = False\n\n";
    if (module.initial) text += "    initial = True\n\n";
    if (!module.replaces.empty()) {
      text += "    replaces = [";
      for (size_t i = 0; i < module.replaces.size(); ++i) {
        text += (i > 0 ? ", (" : "(") + q(app, app.label) + ", " + q(app, module.replaces[i]) + ")";
      }
      text += "]\n\n";
    }
    text += "    dependencies = [\n";
    for (const std::string& d : module.dependencies) text += "        " + d + ",\n";
    text += "    ]\n\n    operations = [\n";
    for (const std::string& op : module.operations) text += op;
    text += "    ]\n";
    return text;
  }

  void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) throw std::runtime_error("cannot write " + path.string());
  }

  // Writes the module as the app's next migration; `parents` are its same-app dependencies.
  std::string emit(App& app, Module& module, const std::string& suffix, const std::vector<std::string>& parents) {
    std::string name = number(++app.number) + "_" + suffix;
    if (name == avoid_name_) name += "_2";
    std::vector<std::string> deps;
    for (const std::string& p : parents) deps.push_back("(" + q(app, app.label) + ", " + q(app, p) + ")");
    module.dependencies.insert(module.dependencies.begin(), deps.begin(), deps.end());
    const std::string text = render(app, module);
    write_file(root_ / app.label / "migrations" / (name + ".py"), text);
    ++app.made;
    ++result_.files;
    result_.bytes += text.size();
    result_.operations += module.operations.size();
    app.since_squash.push_back(PastMigration{name, parents, module.schema_operations, module.external_deps, module.imports});
    return name;
  }

  std::string suffix_for(App& app, const Module& module, std::string_view hint) {
    if (random_.chance(5) || hint.empty()) return "auto_" + timestamp();
    (void)app;
    (void)module;
    return std::string(hint);
  }

  // A normal migration: one to several operations of one theme.
  std::string ordinary(App& app, size_t app_index, const std::vector<std::string>& parents) {
    Module module;
    std::string hint;
    const size_t roll = random_.below(100);
    Model* model = random_model(app);
    if (model == nullptr || roll < 8) {
      module.operations.push_back(create_model(app, app_index, module, 4, 24));
      hint = lower(app.models.back().name);
    } else if (roll < 28) {
      const size_t count = random_.between(1, 4);
      for (size_t i = 0; i < count; ++i) module.operations.push_back(add_field(app, app_index, *model, module));
      hint = lower(model->name) + "_" + model->fields.back().name;
    } else if (roll < 38) {
      module.operations.push_back(alter_field(app, *model, module));
      hint = "alter_" + lower(model->name) + "_fields";
    } else if (roll < 44) {
      module.operations.push_back(remove_field(app, *model));
      hint = "remove_" + lower(model->name) + "_field";
    } else if (roll < 47) {
      module.operations.push_back(rename_field(app, *model));
      hint = "rename_" + lower(model->name) + "_field";
    } else if (roll < 55) {
      module.operations.push_back(index_or_constraint(app, *model, module));
      hint = lower(model->name) + "_indexes";
    } else if (roll < 67) {
      module.operations.push_back(run_python(app, *model, module));
      hint = std::string(random_.pick(kVerbs)) + "_" + lower(model->name);
      if (random_.chance(30)) module.operations.push_back(alter_field(app, *model, module));
      if (random_.chance(25)) {
        Model* other = random_model(app);
        if (other != nullptr) module.operations.push_back(run_python(app, *other, module));
      }
    } else if (roll < 70) {
      module.operations.push_back(run_sql(app, *model));
      hint = lower(model->name) + "_sql";
    } else if (roll < 72) {
      module.operations.push_back(model_options(app, *model));
      hint = "alter_" + lower(model->name) + "_options";
    } else {
      // A bigger change: makemigrations after a feature branch.
      hint = lower(model->name) + "_changes";  // before CreateModel moves the models
      const size_t count = random_.between(3, 14);
      for (size_t i = 0; i < count; ++i) module.operations.push_back(schema_operation(app, app_index, module, random_.below(100)));
    }
    std::erase(module.operations, std::string());
    for (const std::string& op : module.operations) {
      if (!op.starts_with("        migrations.RunPython") && !op.starts_with("        migrations.RunSQL")) {
        module.schema_operations.push_back(op);
      }
    }
    return emit(app, module, suffix_for(app, module, hint), parents);
  }

  std::string initial(App& app, size_t app_index) {
    Module module;
    module.initial = true;
    const size_t models = random_.between(3, 16);
    for (size_t i = 0; i < models; ++i) module.operations.push_back(create_model(app, app_index, module, 5, 22));
    module.schema_operations = module.operations;
    return emit(app, module, "initial", {});
  }

  // Squashes the linear stretch since the last squash, as `squashmigrations` leaves it while
  // the replaced files are still in the repository.
  void squash(App& app) {
    const auto& stretch = app.since_squash;
    Module module;
    for (const PastMigration& m : stretch) {
      module.replaces.push_back(m.name);
      module.imports.merge(m.imports);
      module.operations.insert(module.operations.end(), m.operations.begin(), m.operations.end());
      for (const std::string& d : m.external_deps) {
        if (std::find(module.dependencies.begin(), module.dependencies.end(), d) == module.dependencies.end()) {
          module.dependencies.push_back(d);
        }
      }
    }
    module.initial = stretch.front().parents.empty();
    const std::string first = stretch.front().name.substr(0, 4);
    const std::string name = first + "_squashed_" + stretch.back().name;
    std::vector<std::string> deps;
    for (const std::string& p : stretch.front().parents) deps.push_back("(" + q(app, app.label) + ", " + q(app, p) + ")");
    module.dependencies.insert(module.dependencies.begin(), deps.begin(), deps.end());
    const std::string text = render(app, module);
    write_file(root_ / app.label / "migrations" / (name + ".py"), text);
    ++app.made;
    ++result_.files;
    ++result_.squashes;
    result_.bytes += text.size();
    result_.operations += module.operations.size();
    app.since_squash.clear();
    app.squash_after = random_.between(25, 60);
  }

  void step(size_t app_index) {
    App& app = apps_[app_index];
    const size_t remaining = app.quota - app.made;
    if (app.made == 0) {
      app.leaves = {initial(app, app_index)};
      return;
    }
    if (app.quota >= 60 && app.since_squash.size() >= app.squash_after) {
      squash(app);
      return;
    }
    if (remaining >= 3 && random_.chance(3)) {
      // Two branches from the same parent, then makemigrations --merge.
      // Both branches took the next number on their own.
      const std::vector<std::string> parents = app.leaves;
      const std::string a = ordinary(app, app_index, parents);
      --app.number;
      avoid_name_ = a;
      const std::string b = ordinary(app, app_index, parents);
      avoid_name_.clear();
      Module merge;
      const std::string name = emit(app, merge, "merge_" + timestamp(), {a, b});
      app.leaves = {name};
      ++result_.merges;
      return;
    }
    app.leaves = {ordinary(app, app_index, app.leaves)};
  }

  fs::path root_;
  Random random_;
  std::vector<App> apps_;
  size_t total_files_ = 0;
  size_t tick_ = 0;
  std::string avoid_name_;
  GeneratedProject result_;
};

}  // namespace

GeneratedProject generate_project(const fs::path& root, const GeneratorOptions& options) {
  return Generator(root, options).run();
}

}  // namespace godwit::bench
