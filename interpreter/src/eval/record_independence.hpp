// Which rules read nothing of the household. A rule such as "the extended benefit period is in
// force this week" depends on the date and the published context series only; evaluated per
// household it would repeat the same work for every record. Rules marked here are computed once
// per evaluation date and context by the evaluator.
#pragma once

#include <memory>

#include "eval/program.hpp"

namespace pol::eval {

// Sets Rule::record_independent and Entity::first_rule_id on every rule of `program`.
void mark_record_independent_rules(detail::Program& program);

// The same question for any node: whether evaluating node `n` for an instance of `entity` may
// read the household's record (batch plans compute the nodes that cannot once per date).
class RecordReads {
 public:
  explicit RecordReads(const detail::Program& program);
  ~RecordReads();
  bool node(std::uint32_t n, int entity);

  class Analysis;

 private:
  std::unique_ptr<Analysis> analysis_;
};

}  // namespace pol::eval
