// Records built in code for tests: inputs by name, members in the root's first collection, and
// outputs found by name. Shared by the evaluator and language-feature tests.
#pragma once

#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pol/policy.hpp"

namespace test_records {

using Fields = std::map<std::string, pol::Value>;

// A policy that must compile (the test fails with the rendered diagnostics otherwise).
inline std::shared_ptr<const pol::Policy> compile(const std::string& source, const std::string& file = "f.pol") {
  pol::Compilation c = pol::compile_source(file, source);
  INFO(source);
  INFO(pol::render_all(c.diagnostics, c.sources));
  REQUIRE_FALSE(pol::has_errors(c.diagnostics));
  REQUIRE(c.policy);
  return c.policy;
}

inline pol::Date day(const char* text) { return *pol::Date::parse(text); }

inline pol::Decimal D(const std::string& text) {
  auto d = pol::Decimal::parse(text);
  if (!d) FAIL("not a decimal: " << text);
  return *d;
}

inline pol::EntityRecord entity(const pol::Policy& policy, int e, const Fields& fields) {
  pol::EntityRecord record = policy.empty_record(e);
  const auto& schema = policy.entities()[static_cast<std::size_t>(e)];
  for (const auto& [name, value] : fields) {
    int i = schema.input_index(name);
    if (i < 0) FAIL("no input " << name << " in " << schema.name);
    record.inputs[static_cast<std::size_t>(i)] = value;
  }
  return record;
}

// A record of the root entity with `members` in its first collection.
inline pol::Record record(const pol::Policy& policy, const Fields& root, const std::vector<Fields>& members = {},
                          std::string id = "h1") {
  pol::Record r;
  r.id = std::move(id);
  r.root = entity(policy, policy.root_entity(), root);
  if (!members.empty()) {
    const auto& schema = policy.entities()[static_cast<std::size_t>(policy.root_entity())];
    REQUIRE_FALSE(schema.collections.empty());
    for (const auto& m : members) r.root.collections[0].push_back(entity(policy, schema.collections[0].entity, m));
  }
  return r;
}

inline std::size_t output_index(const pol::Policy& policy, const std::string& name) {
  for (std::size_t i = 0; i < policy.outputs().size(); ++i)
    if (policy.outputs()[i].name == name) return i;
  FAIL("no output " << name);
  return 0;
}

}  // namespace test_records
