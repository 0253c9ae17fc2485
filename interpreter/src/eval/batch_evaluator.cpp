#include "eval/batch_evaluator.hpp"

#include <cstring>
#include <type_traits>

namespace pol::detail {

BatchEvaluator::BatchEvaluator(const Program& program, const BatchPlan& plan)
    : program_(program), plan_(plan), offset_(plan.registers), number_at_(plan.registers), members_(plan.domains.size()) {
  std::size_t size = 0;
  for (std::uint32_t r = 0; r < plan.registers; ++r) {
    offset_[r] = size;
    size += capacity(r);
  }
  numbers_.resize(size);
  scalars_.resize(size);
  failed_.assign(size, 0);
  for (std::uint32_t r = 0; r < plan.registers; ++r) number_at_[r] = numbers_.data() + offset_[r];
  for (std::size_t k = 1; k < members_.size(); ++k) {
    members_[k].inputs.resize(kMemberLanes);
    members_[k].household.resize(kMemberLanes);
    members_[k].begin.resize(kBlock + 1);
  }
  for (auto [r, c] : plan.constants)
    for (std::size_t l = 0; l < capacity(r); ++l) {
      numbers_[offset_[r] + l] = program.constants[c].number;
      scalars_[offset_[r] + l] = program.constants[c].scalar;
    }
}

bool BatchEvaluator::bind(const std::vector<std::optional<Value>>& parameters, Date as_of) {
  // A policy's parameters have the same values whenever the same date is bound: filling every
  // lane again for each batch would cost more than a small batch's evaluation.
  if (bound_ && as_of == as_of_) return bound_ok_;
  bound_ = true;
  bound_ok_ = false;
  as_of_ = as_of;
  for (auto [r, p] : plan_.parameters) {
    if (!parameters[p]) return false;
    for (std::size_t l = 0; l < capacity(r); ++l) {
      numbers_[offset_[r] + l] = parameters[p]->number;
      scalars_[offset_[r] + l] = parameters[p]->scalar;
    }
  }
  bound_ok_ = true;
  return true;
}

void BatchEvaluator::set_independent(std::size_t i, const Value& value) {
  const auto [r, node] = plan_.independents[i];
  const bool boolean = program_.nodes[node].type.kind == TypeKind::Boolean;
  for (std::size_t l = 0; l < capacity(r); ++l) {
    numbers_[offset_[r] + l] = value.number;
    scalars_[offset_[r] + l] = boolean ? value.scalar != 0 : value.scalar;
  }
}

std::size_t BatchEvaluator::gather(std::span<const Record> records, Date as_of, bool* active) {
  const Entity& root = program_.entities[static_cast<std::size_t>(program_.root_entity)];
  const auto shaped = [](const EntityRecord& record, const Entity& entity) {
    return record.inputs.size() == entity.schema.inputs.size() &&
           record.collections.size() == entity.schema.collections.size();
  };
  for (std::size_t k = 1; k < members_.size(); ++k) members_[k].lanes = 0;
  std::size_t count = 0;
  for (; count < kBlock && count < records.size(); ++count) {
    const Record& record = records[count];
    bool usable = (!record.as_of || *record.as_of == as_of) && shaped(record.root, root);
    bool fits = true;  // in what is left of this block
    bool fits_alone = true;  // in an empty block
    if (usable) {
      for (std::size_t c = 0; c < record.root.collections.size() && usable; ++c) {
        const auto& list = record.root.collections[c];
        const Entity& entity = program_.entities[static_cast<std::size_t>(root.schema.collections[c].entity)];
        for (const EntityRecord& member : list) {
          usable = usable && shaped(member, entity);
          for (const auto& inner : member.collections) usable = usable && inner.empty();
        }
      }
      for (std::size_t k = 1; k < members_.size() && usable; ++k) {
        const std::size_t n = record.root.collections[static_cast<std::size_t>(plan_.domains[k].collection)].size();
        fits_alone = fits_alone && n <= kMemberLanes;
        fits = fits && members_[k].lanes + n <= kMemberLanes;
      }
    }
    if (usable && fits_alone && !fits) break;  // it starts the next block
    active[count] = usable && fits_alone;
    for (std::size_t k = 1; k < members_.size(); ++k) {
      Members& m = members_[k];
      m.begin[count] = static_cast<std::uint32_t>(m.lanes);
      if (!active[count]) continue;
      for (const EntityRecord& member : record.root.collections[static_cast<std::size_t>(plan_.domains[k].collection)]) {
        m.inputs[m.lanes] = member.inputs.data();
        m.household[m.lanes] = static_cast<std::uint8_t>(count);
        ++m.lanes;
      }
    }
  }
  for (std::size_t k = 1; k < members_.size(); ++k) members_[k].begin[count] = static_cast<std::uint32_t>(members_[k].lanes);
  return count;
}

void BatchEvaluator::compute(const Record* records, const bool* active, std::size_t count) {
  compute_block(RecordSource{records, active}, count);
}

void BatchEvaluator::compute(const ColumnSource& source, std::size_t count) {
  for (std::size_t k = 1; k < members_.size(); ++k) {
    members_[k].lanes = 0;
    for (std::size_t l = 0; l <= count; ++l) members_[k].begin[l] = 0;
  }
  compute_block(source, count);
}

// d = op(a, b) in every lane where neither operand failed; op returns false (or throws) for a
// value it cannot compute, which fails the lane.
template <class Operation>
void BatchEvaluator::numbers(std::size_t count, const BatchStep& step, Operation op) {
  const std::uint8_t* const Fa = failed_.data() + offset_[step.a];
  const std::uint8_t* const Fb = failed_.data() + offset_[step.b];
  std::uint8_t* const Fd = failed_.data() + offset_[step.d];
  const Decimal* const x = number_at_[step.a];
  const Decimal* const y = number_at_[step.b];
  Decimal* const r = numbers_.data() + offset_[step.d];
  auto lanes = [&](auto skip) {
    for (std::size_t l = 0; l < count; ++l) {
      bool failed = Fa[l] | Fb[l] | skip(l);
      if (!failed) {
        try {
          failed = !op(x[l], y[l], r[l]);
        } catch (const DecimalError&) {
          failed = true;
        }
      }
      Fd[l] = failed;
    }
  };
  if (step.guard == kNoRegister) {
    lanes([](std::size_t) { return false; });
    return;
  }
  // Lanes no reader looks at (BatchStep::guard) are not computed.
  const std::uint8_t* const Fg = failed_.data() + offset_[step.guard];
  const std::int64_t* const Sg = scalars_.data() + offset_[step.guard];
  const bool when = step.guard_when;
  lanes([Fg, Sg, when](std::size_t l) { return Fg[l] || (Sg[l] != 0) != when; });
}

// An input of the households (from records or columns) or of members (from records).
template <class Source>
void BatchEvaluator::input(const Source& source, const BatchStep& step, std::size_t count) {
  const std::uint8_t domain = plan_.register_domain[step.d];
  const Entity& entity = program_.entities[static_cast<std::size_t>(plan_.domains[domain].entity)];
  const InputSchema& schema = entity.schema.inputs[step.a];
  const Value* fallback = schema.has_default ? &entity.input_defaults[step.a] : nullptr;
  const bool number = step.op == BatchOp::InputNumber;
  // The logic operators count on booleans being 0 or 1, whatever an embedder put in a Value.
  const bool boolean = schema.type.kind == TypeKind::Boolean;
  const std::size_t n = lanes(step.d, count);
  Decimal* const N = numbers_.data() + offset_[step.d];
  std::int64_t* const S = scalars_.data() + offset_[step.d];
  std::uint8_t* const F = failed_.data() + offset_[step.d];
  number_at_[step.d] = N;  // a block of columns may have pointed it elsewhere
  auto take = [&](std::size_t l, const Value* value) {
    F[l] = value == nullptr;
    if (!value) return;
    if (number) N[l] = value->number;
    else S[l] = boolean ? value->scalar != 0 : value->scalar;
  };
  if (domain != 0) {
    const Members& m = members_[domain];
    for (std::size_t l = 0; l < n; ++l) {
      const auto& given = m.inputs[l][step.a];
      take(l, given ? &*given : fallback);
    }
    return;
  }
  if constexpr (std::is_same_v<Source, ColumnSource>) {
    const Column& column = (*source.columns)[step.a];
    const std::uint8_t* given = column.present.data() + source.first;
    if (number) {
      const Decimal* values = column.numbers.data() + source.first;
      if (std::memchr(given, 0, n) == nullptr) {  // every lane given: the register reads the column itself
        number_at_[step.d] = values;
        for (std::size_t l = 0; l < n; ++l) F[l] = 0;
        return;
      }
      for (std::size_t l = 0; l < n; ++l) {
        F[l] = !given[l] && !fallback;
        if (given[l]) N[l] = values[l];
        else if (fallback) N[l] = fallback->number;
      }
    } else {
      const std::int64_t* values = column.scalars.data() + source.first;
      for (std::size_t l = 0; l < n; ++l) {
        F[l] = !given[l] && !fallback;
        const std::int64_t value = given[l] ? values[l] : fallback ? fallback->scalar : 0;
        S[l] = boolean ? value != 0 : value;
      }
    }
  } else {
    for (std::size_t l = 0; l < n; ++l) {
      if (!source.active[l]) {
        F[l] = 1;
        continue;
      }
      const auto& given = source.records[l].root.inputs[step.a];
      take(l, given ? &*given : fallback);
    }
  }
}

// sum x 10^-scale += v, aligned to the larger scale as Decimal's + aligns; false (sum and scale
// unchanged) when v is wide or the result does not fit 128 bits.
static bool add_narrow(int128& sum, int& scale, const Decimal& v) {
  if (v.is_wide()) return false;
  int128 x = v.narrow_mantissa(), s = sum;
  const int vs = v.scale();
  if (vs > scale) {
    if (!Decimal::scale_up(s, vs - scale)) return false;
  } else if (vs < scale) {
    if (!Decimal::scale_up(x, scale - vs)) return false;
  }
  if (__builtin_add_overflow(s, x, &s)) return false;
  sum = s;
  if (vs > scale) scale = vs;
  return true;
}

// count, sum, any, all, min and max of each household's members, walking them in order as the
// one-record evaluator does: the household fails where that walk would meet a failure.
template <BatchOp kOp>
void BatchEvaluator::reduce(const BatchStep& step, std::size_t count) {
  const Members& m = members_[step.aux];
  const bool filtered = step.b != kNoRegister, projected = step.a != kNoRegister;
  const std::uint8_t* const Ff = filtered ? failed_.data() + offset_[step.b] : nullptr;
  const std::int64_t* const Sf = filtered ? scalars_.data() + offset_[step.b] : nullptr;
  const std::uint8_t* const Fp = projected ? failed_.data() + offset_[step.a] : nullptr;
  const std::int64_t* const Sp = projected ? scalars_.data() + offset_[step.a] : nullptr;
  const Decimal* const Np = projected ? number_at_[step.a] : nullptr;
  Decimal* const N = numbers_.data() + offset_[step.d];
  std::int64_t* const S = scalars_.data() + offset_[step.d];
  std::uint8_t* const F = failed_.data() + offset_[step.d];
  auto walk = [&](std::size_t h) {
    bool failed = false;
    std::int64_t counted = 0;
    Decimal total;
    const Decimal* best = nullptr;
    std::int64_t decided = kOp == BatchOp::All;  // any: false, all: true, unless a member decides
    for (std::uint32_t l = m.begin[h]; l < m.begin[h + 1]; ++l) {
      if (filtered) {
        if (Ff[l]) {
          failed = true;
          break;
        }
        if (!Sf[l]) continue;
      }
      if (projected && Fp[l]) {
        failed = true;
        break;
      }
      bool stop = false;
      if constexpr (kOp == BatchOp::Count) {
        ++counted;
      } else if constexpr (kOp == BatchOp::Sum) {
        try {
          total.assign_sum(total, Np[l]);
        } catch (const DecimalError&) {
          failed = stop = true;
        }
      } else if constexpr (kOp == BatchOp::Any) {
        if (!projected || Sp[l]) decided = 1, stop = true;
      } else if constexpr (kOp == BatchOp::All) {
        if (!Sp[l]) decided = 0, stop = true;
      } else if constexpr (kOp == BatchOp::Least) {
        if (!best || compare(Np[l], *best) < 0) best = &Np[l];
      } else {
        if (!best || compare(Np[l], *best) > 0) best = &Np[l];
      }
      if (stop) break;
    }
    if constexpr (kOp == BatchOp::Count) {
      N[h].assign_scaled(counted, 0);
    } else if constexpr (kOp == BatchOp::Sum) {
      N[h] = std::move(total);
    } else if constexpr (kOp == BatchOp::Any || kOp == BatchOp::All) {
      S[h] = decided;
    } else {
      if (best) N[h] = *best;
      else failed = true;  // min or max of no members: an error
    }
    F[h] = failed;
  };
  if constexpr (kOp == BatchOp::Count || kOp == BatchOp::Sum) {
    // Nothing stops a count or a sum early, so whether a household fails does not depend on the
    // order its members are met in: one pass over all member lanes, without a loop per household
    // (whose varying length the processor mispredicts). A sum runs in a 128-bit mantissa and its
    // scale while its addends are narrow and it fits; a household whose sum does not is walked.
    int128 sum[kBlock];
    int scale[kBlock];
    std::int64_t counted[kBlock];
    std::uint8_t failed[kBlock], wide[kBlock];
    for (std::size_t h = 0; h < count; ++h) sum[h] = 0, scale[h] = 0, counted[h] = 0, failed[h] = 0, wide[h] = 0;
    const std::uint8_t* const household = m.household.data();
    for (std::size_t l = 0, end = m.begin[count]; l < end; ++l) {
      const std::size_t h = household[l];
      std::uint8_t taken = 1;
      if (filtered) {
        failed[h] |= Ff[l];
        taken = !Ff[l] & (Sf[l] != 0);
      }
      if (projected) {
        failed[h] |= taken & Fp[l];
        taken &= !Fp[l];
      }
      if constexpr (kOp == BatchOp::Count) {
        counted[h] += taken;
      } else {
        if (taken && !wide[h] && !add_narrow(sum[h], scale[h], Np[l])) wide[h] = 1;
      }
    }
    for (std::size_t h = 0; h < count; ++h) {
      if constexpr (kOp == BatchOp::Count) {
        N[h].assign_scaled(counted[h], 0);
      } else {
        if (wide[h] && !failed[h]) {
          walk(h);
          continue;
        }
        N[h].assign_scaled(sum[h], scale[h]);
      }
      F[h] = failed[h];
    }
  } else {
    for (std::size_t h = 0; h < count; ++h) walk(h);
  }
}

// d = (order of a and b) <op> 0 in every lane, failed where an operand failed. One loop per
// operator, so that the loops hold no switch.
template <class Order>
static void compare_lanes(Op op, std::size_t n, const std::uint8_t* Fa, const std::uint8_t* Fb, std::uint8_t* F,
                          std::int64_t* S, Order order) {
  auto run = [&](auto holds) {
    for (std::size_t l = 0; l < n; ++l) {
      F[l] = Fa[l] | Fb[l];
      S[l] = holds(order(l));
    }
  };
  switch (op) {
    case Op::Equal: run([](int o) { return o == 0; }); break;
    case Op::NotEqual: run([](int o) { return o != 0; }); break;
    case Op::Less: run([](int o) { return o < 0; }); break;
    case Op::LessEqual: run([](int o) { return o <= 0; }); break;
    case Op::Greater: run([](int o) { return o > 0; }); break;
    default: run([](int o) { return o >= 0; }); break;
  }
}

template <class Source>
void BatchEvaluator::compute_block(const Source& source, std::size_t count) {
  for (const BatchStep& step : plan_.steps) {
    const std::size_t n = lanes(step.d, count);
    Decimal* const N = numbers_.data() + offset_[step.d];
    std::int64_t* const S = scalars_.data() + offset_[step.d];
    std::uint8_t* const F = failed_.data() + offset_[step.d];
    // Operands a reduction does not have are kNoRegister.
    const std::size_t a = step.a == kNoRegister ? 0 : offset_[step.a];
    const std::size_t b = step.b == kNoRegister ? 0 : offset_[step.b];
    const std::size_t c = offset_[step.c];
    const std::uint8_t* const FF = failed_.data();
    const std::int64_t* const SS = scalars_.data();
    switch (step.op) {
      case BatchOp::InputNumber:
      case BatchOp::InputScalar: input(source, step, count); break;
      case BatchOp::AsOf:
        for (std::size_t l = 0; l < n; ++l) S[l] = as_of_.days(), F[l] = 0;
        break;
      case BatchOp::Add: numbers(n, step, [](const Decimal& x, const Decimal& y, Decimal& r) { r.assign_sum(x, y); return true; }); break;
      case BatchOp::Subtract: numbers(n, step, [](const Decimal& x, const Decimal& y, Decimal& r) { r.assign_difference(x, y); return true; }); break;
      case BatchOp::Multiply: numbers(n, step, [](const Decimal& x, const Decimal& y, Decimal& r) { r.assign_product(x, y); return true; }); break;
      case BatchOp::Divide:
        numbers(n, step, [](const Decimal& x, const Decimal& y, Decimal& r) {
          if (y.is_zero()) return false;
          r = Decimal::divide(x, y);
          return true;
        });
        break;
      case BatchOp::Round: {
        const auto mode = static_cast<RoundingMode>(step.aux);
        numbers(n, step, [mode](const Decimal& x, const Decimal& y, Decimal& r) {
          if (y.sign() <= 0) return false;
          r = x.round_to(y, mode);
          return true;
        });
        break;
      }
      case BatchOp::Min: numbers(n, step, [](const Decimal& x, const Decimal& y, Decimal& r) { r = compare(y, x) < 0 ? y : x; return true; }); break;
      case BatchOp::Max: numbers(n, step, [](const Decimal& x, const Decimal& y, Decimal& r) { r = compare(y, x) > 0 ? y : x; return true; }); break;
      case BatchOp::Negate: case BatchOp::Abs:
        for (std::size_t l = 0; l < n; ++l) {
          std::uint8_t failed = FF[a + l];
          if (!failed) {
            try {
              const Decimal& x = number_at_[step.a][l];
              N[l] = step.op == BatchOp::Negate ? -x : x.abs();
            } catch (const DecimalError&) {
              failed = 1;
            }
          }
          F[l] = failed;
        }
        break;
      case BatchOp::CompareNumbers: {
        const Decimal* const x = number_at_[step.a];
        const Decimal* const y = number_at_[step.b];
        compare_lanes(static_cast<Op>(step.aux), n, FF + a, FF + b, F, S,
                      [x, y](std::size_t l) { return compare(x[l], y[l]); });
        break;
      }
      case BatchOp::CompareScalars: {
        const std::int64_t* const x = SS + a;
        const std::int64_t* const y = SS + b;
        compare_lanes(static_cast<Op>(step.aux), n, FF + a, FF + b, F, S,
                      [x, y](std::size_t l) { return (x[l] > y[l]) - (x[l] < y[l]); });
        break;
      }
      case BatchOp::Not:
        for (std::size_t l = 0; l < n; ++l) S[l] = SS[a + l] == 0, F[l] = FF[a + l];
        break;
      // As evaluated one record at a time: the right side matters only when the left does not
      // decide (false for `and`, true for `or`), and only then can its failure fail the lane.
      // Booleans are 0 or 1 in every register.
      case BatchOp::And:
        for (std::size_t l = 0; l < n; ++l) {
          const std::int64_t left = SS[a + l];
          F[l] = FF[a + l] | (left & FF[b + l]);
          S[l] = left & SS[b + l];
        }
        break;
      case BatchOp::Or:
        for (std::size_t l = 0; l < n; ++l) {
          const std::int64_t left = SS[a + l];
          F[l] = FF[a + l] | ((left ^ 1) & FF[b + l]);
          S[l] = left | SS[b + l];
        }
        break;
      case BatchOp::SelectNumber: {
        const Decimal* const x = number_at_[step.a];
        const Decimal* const y = number_at_[step.b];
        for (std::size_t l = 0; l < n; ++l) {
          const bool first = SS[c + l] != 0;
          F[l] = FF[c + l] | (first ? FF[a + l] : FF[b + l]);
          N[l] = first ? x[l] : y[l];
        }
        break;
      }
      case BatchOp::SelectScalar:
        for (std::size_t l = 0; l < n; ++l) {
          const bool first = SS[c + l] != 0;
          F[l] = FF[c + l] | (first ? FF[a + l] : FF[b + l]);
          S[l] = first ? SS[a + l] : SS[b + l];
        }
        break;
      case BatchOp::BroadcastNumber:
      case BatchOp::BroadcastScalar: {
        const std::uint8_t* household = members_[plan_.register_domain[step.d]].household.data();
        for (std::size_t l = 0; l < n; ++l) {
          const std::size_t h = household[l];
          F[l] = FF[a + h];
          if (step.op == BatchOp::BroadcastNumber) N[l] = number_at_[step.a][h];
          else S[l] = SS[a + h];
        }
        break;
      }
      case BatchOp::Count: reduce<BatchOp::Count>(step, count); break;
      case BatchOp::Sum: reduce<BatchOp::Sum>(step, count); break;
      case BatchOp::Any: reduce<BatchOp::Any>(step, count); break;
      case BatchOp::All: reduce<BatchOp::All>(step, count); break;
      case BatchOp::Least: reduce<BatchOp::Least>(step, count); break;
      case BatchOp::Greatest: reduce<BatchOp::Greatest>(step, count); break;
    }
  }
}

void BatchEvaluator::complete(std::size_t count, std::uint8_t* complete) const {
  // Lane by lane inside each register, so that the compiler can do several lanes at once.
  const std::uint8_t* const F = failed_.data();
  const std::int64_t* const S = scalars_.data();
  for (std::size_t l = 0; l < count; ++l) complete[l] = 1;
  for (std::uint32_t r : plan_.requirements) {
    const std::uint8_t* const failed = F + offset_[r];  // hoisted: stores to complete[] may alias anything
    const std::int64_t* const holds = S + offset_[r];
    for (std::size_t l = 0; l < count; ++l) complete[l] &= failed[l] == 0 && holds[l] != 0;
  }
  for (std::uint32_t r : plan_.outputs) {
    const std::uint8_t* const failed = F + offset_[r];
    for (std::size_t l = 0; l < count; ++l) complete[l] &= failed[l] == 0;
  }
}

void BatchEvaluator::write(std::size_t lane, Outcome& outcome) const {
  const auto& outputs = program_.outputs;
  outcome.ok = true;
  outcome.error.reset();
  outcome.members.clear();
  outcome.outputs.resize(outputs.size());
  for (std::size_t o = 0; o < outputs.size(); ++o) {
    if (outputs[o].type.is_numeric()) outcome.outputs[o].number = number(o, lane);
    else outcome.outputs[o].scalar = scalar(o, lane);
  }
}

}  // namespace pol::detail
