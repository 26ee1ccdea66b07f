#include "analyzer/baseline/baseline.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <tuple>

#include <nlohmann/json.hpp>

#include "analyzer/driver/project_loader.h"

namespace godwit::baseline {

namespace {

using json = nlohmann::ordered_json;

constexpr int kFormatVersion = 1;

}  // namespace

std::vector<Identity> identify(const std::vector<diagnostics::Diagnostic>& diagnostics) {
  std::vector<Identity> out;
  out.reserve(diagnostics.size());
  std::map<std::tuple<std::string, std::string, std::string, std::string>, uint32_t> seen;
  for (const auto& d : diagnostics) {
    Identity id{d.app, d.migration, d.code.str(), d.anchor_text(), 0};
    id.occurrence = seen[std::make_tuple(id.app, id.migration, id.rule, id.anchor)]++;
    out.push_back(std::move(id));
  }
  return out;
}

std::string fingerprint(const Identity& identity) {
  uint64_t hash = 14695981039346656037ULL;
  auto feed = [&](std::string_view text) {
    for (const char c : text) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 1099511628211ULL;
    }
    hash ^= 0xFF;  // a separator no UTF-8 text contains
    hash *= 1099511628211ULL;
  };
  feed("godwit/v1");
  feed(identity.app);
  feed(identity.migration);
  feed(identity.rule);
  feed(identity.anchor);
  feed(std::to_string(identity.occurrence));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kHex[hash & 0xF];
    hash >>= 4;
  }
  return out;
}

std::optional<Baseline> read_baseline(const std::filesystem::path& path, std::string& error) {
  // read_file does not wait on a FIFO and refuses anything but a regular file.
  std::string text;
  if (!driver::read_file(path, text, error)) {
    error += " (create it with `godwit check --write-baseline FILE`)";
    return std::nullopt;
  }
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    error = std::string("not valid JSON: ") + e.what();
    return std::nullopt;
  }
  if (!doc.is_object() || !doc.contains("findings") || !doc["findings"].is_array()) {
    error = "not a godwit baseline (expected an object with a `findings` array)";
    return std::nullopt;
  }
  if (doc.contains("version") && doc["version"] != kFormatVersion) {
    // A scalar is shown as written; an array or object (nested arbitrarily deep, which dump()
    // would recurse through) by its type.
    const json& version = doc["version"];
    const std::string shown = version.is_primitive() ? version.dump() : "(an " + std::string(version.type_name()) + ")";
    error = "baseline format version " + shown + " is not supported (this godwit writes version " +
            std::to_string(kFormatVersion) + ")";
    return std::nullopt;
  }
  Baseline baseline;
  const json& findings = doc["findings"];
  for (size_t i = 0; i < findings.size(); ++i) {
    const json& f = findings[i];
    const std::string where = "findings[" + std::to_string(i) + "]";
    if (!f.is_object()) {
      error = where + " is not an object";
      return std::nullopt;
    }
    Identity id;
    for (const auto& [key, into] : {std::pair<const char*, std::string*>{"app", &id.app},
                                    {"migration", &id.migration},
                                    {"rule", &id.rule},
                                    {"anchor", &id.anchor}}) {
      if (!f.contains(key) || !f[key].is_string()) {
        error = where + "." + key + " must be a string";
        return std::nullopt;
      }
      *into = f[key].get<std::string>();
    }
    if (f.contains("occurrence")) {
      if (!f["occurrence"].is_number_unsigned()) {
        error = where + ".occurrence must be a non-negative integer";
        return std::nullopt;
      }
      id.occurrence = f["occurrence"].get<uint32_t>();
    }
    baseline.findings.insert(std::move(id));
  }
  return baseline;
}

bool write_baseline(const std::filesystem::path& path, std::vector<Identity> identities, std::string& error) {
  std::sort(identities.begin(), identities.end());
  identities.erase(std::unique(identities.begin(), identities.end()), identities.end());
  json findings = json::array();
  for (const Identity& id : identities) {
    findings.push_back(json{{"app", id.app},
                            {"migration", id.migration},
                            {"rule", id.rule},
                            {"anchor", id.anchor},
                            {"occurrence", id.occurrence}});
  }
  const json doc{{"tool", "godwit"}, {"version", kFormatVersion}, {"findings", std::move(findings)}};
  // Write beside the target, then rename: an interrupted run never leaves half a baseline.
  std::filesystem::path temporary = path;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
      error = std::strerror(errno);
      return false;
    }
    out << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    out.flush();
    if (!out) {
      error = "write error";
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    error = ec.message();
    std::filesystem::remove(temporary, ec);
    return false;
  }
  return true;
}

}  // namespace godwit::baseline
