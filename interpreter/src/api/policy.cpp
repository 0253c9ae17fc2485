#include "pol/policy.hpp"

#include "eval/program.hpp"

namespace pol {

int EntitySchema::input_index(std::string_view input_name) const noexcept {
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].name == input_name) return static_cast<int>(i);
  return -1;
}

int EntitySchema::collection_index(std::string_view collection_name) const noexcept {
  for (std::size_t i = 0; i < collections.size(); ++i)
    if (collections[i].name == collection_name) return static_cast<int>(i);
  return -1;
}

Policy::Policy(std::shared_ptr<const detail::Program> program) : program_(std::move(program)) {
  entity_schemas_.reserve(program_->entities.size());
  for (const auto& entity : program_->entities) entity_schemas_.push_back(entity.schema);
}

const std::string& Policy::title() const { return program_->title; }
const std::vector<EntitySchema>& Policy::entities() const { return entity_schemas_; }
int Policy::root_entity() const { return program_->root_entity; }
const std::vector<EnumInfo>& Policy::enums() const { return program_->enums; }
const std::vector<OutputSchema>& Policy::outputs() const { return program_->outputs; }
const std::vector<ParameterInfo>& Policy::parameters() const { return program_->parameter_infos; }
const std::vector<ScheduleInfo>& Policy::schedules() const { return program_->schedule_infos; }
const std::vector<RuleInfo>& Policy::rules() const { return program_->rule_infos; }
int Policy::context_entity() const { return program_->context_entity; }

int Policy::entity_index(std::string_view entity) const {
  for (std::size_t i = 0; i < entity_schemas_.size(); ++i)
    if (entity_schemas_[i].name == entity) return static_cast<int>(i);
  return -1;
}

std::optional<Policy::InputHandle> Policy::find_input(std::string_view entity, std::string_view input) const {
  int e = entity_index(entity);
  if (e < 0) return std::nullopt;
  int i = entity_schemas_[static_cast<std::size_t>(e)].input_index(input);
  if (i < 0) return std::nullopt;
  return InputHandle{e, i, entity_schemas_[static_cast<std::size_t>(e)].inputs[static_cast<std::size_t>(i)].type};
}

EntityRecord Policy::empty_record(int entity) const {
  EntityRecord record;
  const auto& schema = entity_schemas_.at(static_cast<std::size_t>(entity));
  record.inputs.resize(schema.inputs.size());
  record.collections.resize(schema.collections.size());
  return record;
}

}  // namespace pol
