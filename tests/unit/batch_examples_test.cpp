// Every example policy, on its bundled households (shuffled and repeated, so that blocks mix
// them), gives through evaluate_batch exactly what it gives one household at a time: the same
// outputs, or the same error. The policies with members and record-independent values (the
// unemployment example's extended-benefit trigger) take the batch plan.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "eval/batch_plan.hpp"
#include "eval/program.hpp"
#include "pol/io.hpp"
#include "pol/policy.hpp"
#include "record_helpers.hpp"

namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string describe(const pol::Policy& policy, const pol::Outcome& outcome) {
  if (!outcome.ok) return "error: " + outcome.error->message + " in " + outcome.error->rule;
  std::string text;
  for (std::size_t o = 0; o < policy.outputs().size(); ++o) {
    if (policy.outputs()[o].entity != policy.root_entity()) continue;
    text += policy.outputs()[o].name + "=" +
            pol::format_value(policy.outputs()[o].type, outcome.outputs[o], policy.enums()) + " ";
  }
  for (const auto& member : outcome.members) {
    text += member.path + ":";
    for (const auto& value : member.outputs) text += value.number.to_string() + "/" + std::to_string(value.scalar) + " ";
  }
  return text;
}

}  // namespace

TEST_CASE("batch: every example gives in blocks what it gives one household at a time", "[batch][examples]") {
  const std::filesystem::path data = std::filesystem::path(POL_SOURCE_DIR) / "examples" / "data";
  std::size_t planned = 0;
  for (const auto& entry : std::filesystem::directory_iterator(data)) {
    if (entry.path().extension() != ".jsonl") continue;
    const std::string name = entry.path().stem().string();
    INFO(name);
    auto policy = test_records::compile(slurp(data.parent_path() / (name + ".pol")), name + ".pol");
    std::string as_of_text = slurp(data / (name + ".as_of"));
    as_of_text.erase(as_of_text.find_last_not_of(" \n") + 1);
    const pol::Date as_of = test_records::day(as_of_text.c_str());
    std::optional<pol::EntityRecord> context;
    if (std::filesystem::exists(data / (name + ".context.json"))) {
      std::ifstream in(data / (name + ".context.json"));
      auto read = pol::io::read_context(*policy, in, name + ".context.json");
      REQUIRE(std::holds_alternative<pol::EntityRecord>(read));
      context = std::get<pol::EntityRecord>(std::move(read));
    }
    std::ifstream in(entry.path());
    auto reader = pol::io::open_reader(*policy, in, pol::io::InputFormat::Auto, entry.path().string());
    std::vector<pol::Record> bundled;
    for (pol::io::ReadResult item; reader->next(item);)
      if (auto* record = std::get_if<pol::Record>(&item)) bundled.push_back(*record);
    REQUIRE(bundled.size() > 3);
    std::vector<pol::Record> records;
    std::mt19937 shuffle(7);
    for (int copy = 0; copy < 6; ++copy) {
      std::vector<pol::Record> again = bundled;
      std::shuffle(again.begin(), again.end(), shuffle);
      records.insert(records.end(), again.begin(), again.end());
    }
    pol::Evaluator single(*policy, as_of), batched(*policy, as_of);
    if (context) {
      single.set_context(*context);
      batched.set_context(*context);
    }
    std::vector<pol::Outcome> out(records.size());
    batched.evaluate_batch(records, out);
    for (std::size_t i = 0; i < records.size(); ++i) {
      INFO("record " << records[i].id);
      CHECK(describe(*policy, out[i]) == describe(*policy, single.evaluate(records[i])));
    }
    planned += policy->program().batch_plan != nullptr;
  }
  CHECK(planned >= 5);  // family, portable, unemployment, efficiency dividend, wealth fund dividend
}
