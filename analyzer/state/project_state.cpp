#include "analyzer/state/project_state.h"

#include <algorithm>
#include <cstring>

namespace godwit::state {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const FieldState* ModelState::field(std::string_view field_name) const {
  for (const FieldState& f : fields) {
    if (f.name == field_name) return &f;
  }
  for (const FieldState& f : fields) {
    if (iequals(f.name, field_name)) return &f;
  }
  return nullptr;
}

FieldState* ModelState::field(std::string_view field_name) {
  return const_cast<FieldState*>(static_cast<const ModelState*>(this)->field(field_name));
}

std::optional<std::string> ModelState::column_name(const FieldState& field) {
  switch (field.spec.db_column.state) {
    case ir::OptionState::Known: return field.spec.db_column.value();
    case ir::OptionState::Unknown: return std::nullopt;
    case ir::OptionState::Absent: break;
  }
  if (field.spec.field_class == ir::FieldClass::ForeignKey || field.spec.field_class == ir::FieldClass::OneToOneField) {
    return field.name + "_id";
  }
  return field.name;
}

std::string ModelState::default_table(std::string_view app, std::string_view model) {
  return std::string(app) + "_" + ir::lower(model);
}

std::string ProjectState::resolve_swappable(const std::string& setting) const {
  const auto it = swappable_.find(setting);
  return it == swappable_.end() ? "settings." + setting : it->second;
}

int ModelKeyLess::compare(std::string_view key, const ModelKeyView& view) {
  // The app as is, then '.', then the name lower-cased (ASCII letters only).
  const size_t app_common = std::min(key.size(), view.app.size());
  if (const int c = key.substr(0, app_common).compare(view.app.substr(0, app_common)); c != 0) return c < 0 ? -1 : 1;
  if (key.size() <= view.app.size()) return -1;  // a prefix of the app: shorter than the key
  const auto dot = static_cast<unsigned char>(key[view.app.size()]);
  if (dot != '.') return dot < '.' ? -1 : 1;
  const std::string_view rest = key.substr(view.app.size() + 1);
  const size_t common = std::min(rest.size(), view.name.size());
  for (size_t i = 0; i < common; ++i) {
    auto c = static_cast<unsigned char>(view.name[i]);
    if (static_cast<unsigned>(c - 'A') < 26u) c = static_cast<unsigned char>(c - 'A' + 'a');
    const auto k = static_cast<unsigned char>(rest[i]);
    if (k != c) return k < c ? -1 : 1;
  }
  return rest.size() < view.name.size() ? -1 : rest.size() > view.name.size() ? 1 : 0;
}

namespace {

// FNV-1a, fed the key's bytes one at a time.
constexpr uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;
uint64_t fnv(uint64_t h, unsigned char c) { return (h ^ c) * kFnvPrime; }

}  // namespace

size_t ModelKeyHash::operator()(std::string_view key) const {
  uint64_t h = kFnvOffset;
  for (const char c : key) h = fnv(h, static_cast<unsigned char>(c));
  return static_cast<size_t>(h);
}

size_t ModelKeyHash::operator()(const ModelKeyView& view) const {
  uint64_t h = kFnvOffset;
  for (const char c : view.app) h = fnv(h, static_cast<unsigned char>(c));
  h = fnv(h, '.');
  for (const char c : view.name) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 'A' && u <= 'Z') u = static_cast<unsigned char>(u - 'A' + 'a');
    h = fnv(h, u);
  }
  return static_cast<size_t>(h);
}

ProjectState::ProjectState(const ProjectState& other)
    : models_(other.models_), swappable_(other.swappable_), removed_(other.removed_) {
  reindex();
}

ProjectState& ProjectState::operator=(const ProjectState& other) {
  if (this != &other) {
    models_ = other.models_;
    swappable_ = other.swappable_;
    removed_ = other.removed_;
    reindex();
  }
  return *this;
}

ProjectState::ProjectState(ProjectState&& other) noexcept
    : models_(std::move(other.models_)),
      index_(std::move(other.index_)),
      swappable_(std::move(other.swappable_)),
      removed_(std::move(other.removed_)) {
  other.forget_lookups();
}

ProjectState& ProjectState::operator=(ProjectState&& other) noexcept {
  if (this != &other) {
    models_ = std::move(other.models_);
    index_ = std::move(other.index_);
    swappable_ = std::move(other.swappable_);
    removed_ = std::move(other.removed_);
    forget_lookups();
    other.forget_lookups();
  }
  return *this;
}

void ProjectState::reindex() {
  forget_lookups();
  index_.clear();
  for (auto& [k, model] : models_) index_.emplace(k, &model);
}

std::string ProjectState::key(std::string_view app, std::string_view model_name) {
  return std::string(app) + "." + ir::lower(model_name);
}

ModelState* ProjectState::find(std::string_view app, std::string_view model_name) const {
  const bool memorable = app.size() <= RecentLookup{}.app.size() && model_name.size() <= RecentLookup{}.name.size();
  if (memorable) {
    for (const RecentLookup& r : recent_) {
      if (r.used && r.app_size == app.size() && r.name_size == model_name.size() &&
          std::memcmp(r.app.data(), app.data(), app.size()) == 0 &&
          std::memcmp(r.name.data(), model_name.data(), model_name.size()) == 0) {
        return r.found;
      }
    }
  }
  const auto it = index_.find(ModelKeyView{app, model_name});
  ModelState* found = it == index_.end() ? nullptr : it->second;
  if (memorable) {
    RecentLookup& r = recent_[recent_next_];
    recent_next_ = static_cast<uint8_t>((recent_next_ + 1) % recent_.size());
    r.used = true;
    r.app_size = static_cast<uint8_t>(app.size());
    r.name_size = static_cast<uint8_t>(model_name.size());
    std::memcpy(r.app.data(), app.data(), app.size());
    std::memcpy(r.name.data(), model_name.data(), model_name.size());
    r.found = found;
  }
  return found;
}

const ModelState* ProjectState::model(std::string_view app, std::string_view model_name) const {
  return find(app, model_name);
}

ModelState* ProjectState::model(std::string_view app, std::string_view model_name) { return find(app, model_name); }

FieldLookup ProjectState::lookup_field(std::string_view app, std::string_view model_name,
                                       std::string_view field_name) const {
  FieldLookup lookup;
  lookup.model = model(app, model_name);
  if (lookup.model == nullptr || lookup.model->uncertain) return lookup;
  lookup.field = lookup.model->field(field_name);
  if (lookup.field != nullptr) {
    lookup.knowledge = Knowledge::Known;
  } else if (lookup.model->fields_known) {
    lookup.knowledge = Knowledge::Absent;
  }
  return lookup;
}

bool ProjectState::model_removed(std::string_view app, std::string_view model_name) const {
  return removed_.contains(ModelKeyView{app, model_name});
}

ModelState& ProjectState::add_model(ModelState model) {
  forget_lookups();
  std::string k = key(model.app, model.name);
  removed_.erase(k);
  const auto it = models_.try_emplace(std::move(k)).first;
  it->second = std::move(model);
  index_.insert_or_assign(std::string_view(it->first), &it->second);
  return it->second;
}

void ProjectState::remove_model(std::string_view app, std::string_view model_name) {
  forget_lookups();
  const auto it = models_.find(ModelKeyView{app, model_name});
  if (it == models_.end()) {
    removed_.insert(key(app, model_name));
    return;
  }
  index_.erase(std::string_view(it->first));
  removed_.insert(it->first);
  models_.erase(it);
}

void ProjectState::rename_model(std::string_view app, std::string_view old_name, std::string_view new_name) {
  forget_lookups();
  const auto it = models_.find(ModelKeyView{app, old_name});
  if (it == models_.end()) return;
  ModelState model = std::move(it->second);
  index_.erase(std::string_view(it->first));
  models_.erase(it);
  model.name = std::string(new_name);
  if (!model.db_table_explicit && model.db_table_known) model.db_table = ModelState::default_table(app, new_name);
  // Relations pointing at the old model now point at the new one.
  const std::string old_lower = ir::lower(old_name);
  for (auto& [k, other] : models_) {
    for (FieldState& f : other.fields) {
      if (!f.spec.is_relation() || !f.spec.relation_to.known()) continue;
      const std::string& to = f.spec.relation_to.value();
      const auto dot = to.find('.');
      const std::string target_app = dot == std::string::npos ? other.app : to.substr(0, dot);
      const std::string target = ir::lower(dot == std::string::npos ? to : to.substr(dot + 1));
      if (target_app == app && target == old_lower) f.spec.relation_to.set(std::string(app) + "." + std::string(new_name));
    }
  }
  for (FieldState& f : model.fields) {
    if (f.spec.is_relation() && f.spec.relation_to.known()) {
      const std::string& to = f.spec.relation_to.value();
      if (ir::lower(to) == old_lower || ir::lower(to) == std::string(app) + "." + old_lower) {
        f.spec.relation_to.set(std::string(app) + "." + std::string(new_name));
      }
    }
  }
  add_model(std::move(model));
}

void ProjectState::mark_app_uncertain(std::string_view app) {
  for (auto& [k, model] : models_) {
    if (model.app == app) model.uncertain = true;
  }
}

}  // namespace godwit::state
