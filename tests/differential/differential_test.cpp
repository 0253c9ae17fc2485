// Differential test of pol's arithmetic (issue 7, acceptance 4).
//
// Random well-typed pol expressions over money, rates, decimals and integers (+ - * / with the
// unit rules, unary minus, abs, round(x, to: UNIT, mode: M) in the 7 modes, min/max, if/then/else
// on comparisons with and/or/not, lookup and marginal schedules with random ascending thresholds
// and `at or above` / `above` bands) are written as pol source: one policy per batch with many
// outputs, compiled once, then evaluated by pol (the library: compile_source + Evaluator) on many
// random records. Each output is evaluated independently by an oracle on
// boost::multiprecision::cpp_rational that implements the documented semantics
// (docs/decimal.md, docs/language.md): exact + - *, division rounded half-even to
// max(20, scale(a), scale(b)) fractional digits, the rounding modes, the schedules. Values and
// the scales that the division rule depends on are tracked by the oracle itself.
//
// Input values include values near the 128-bit fast path's limit (|mantissa| about 2^127, i.e.
// 1.7e38 in scaled units, at scales 0 to 8), values whose products cross it (about 1.3e19),
// exact ties for the rounding modes, the schedules' thresholds themselves and mixed scales.
//
//   pol_differential_tests [--seed S] [--batches N] [--outputs N] [--records N] [--threads N]
//                          [--min-cases N] [--dump DIR]
//
// Batch b uses seed S + b; a failure prints the batch seed, the expression, the inputs, pol's
// value and the oracle's, and how to replay it: --seed SEED --batches 1.
#include <boost/multiprecision/cpp_int.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "eval/program.hpp"  // Program::batch_plan: which batches were evaluated in blocks
#include "pol/columns.hpp"
#include "pol/date.hpp"
#include "pol/decimal.hpp"
#include "pol/policy.hpp"
#include "pol/value.hpp"

using boost::multiprecision::cpp_int;
using boost::multiprecision::cpp_rational;

namespace {

// ---- Exact numbers with the scale pol's rules give them ------------------------------------

struct Num {
  cpp_rational v;
  int scale = 0;
};

const cpp_int& pow10(int n) {
  static const std::vector<cpp_int> table = [] {
    std::vector<cpp_int> t(1200);
    t[0] = 1;
    for (std::size_t i = 1; i < t.size(); ++i) t[i] = t[i - 1] * 10;
    return t;
  }();
  return table.at(static_cast<std::size_t>(n));
}

// Decimal digits to an integer (Boost would read a leading 0 as octal).
cpp_int int_of_digits(const std::string& digits) {
  std::size_t i = digits.find_first_not_of('0');
  return i == std::string::npos ? cpp_int(0) : cpp_int(digits.substr(i));
}

// Exact value of "[-]digits[.digits]".
cpp_rational rat_of_text(const std::string& s) {
  std::size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  std::string digits;
  int frac = 0;
  bool after = false;
  for (; i < s.size(); ++i) {
    if (s[i] == '.') { after = true; continue; }
    digits += s[i];
    if (after) ++frac;
  }
  cpp_int n = int_of_digits(digits);
  if (neg) n = -n;
  return cpp_rational(n, pow10(frac));
}

// Plain text of mantissa × 10^-scale, with exactly `scale` fractional digits.
std::string text_of(const cpp_int& mantissa, int scale) {
  bool neg = mantissa < 0;
  std::string d = (neg ? cpp_int(-mantissa) : mantissa).str();
  if (scale > 0) {
    if (static_cast<int>(d.size()) <= scale) d = std::string(static_cast<std::size_t>(scale) + 1 - d.size(), '0') + d;
    d.insert(d.size() - static_cast<std::size_t>(scale), ".");
  }
  return (neg ? "-" : "") + d;
}

// Plain text of a Num (its value is always a multiple of 10^-scale).
std::string text_of(const Num& n) {
  cpp_rational m = n.v * cpp_rational(pow10(n.scale));
  return text_of(numerator(m), n.scale);
}

std::string rat_text(const cpp_rational& q) {
  // For messages: a decimal expansion when the denominator divides a power of ten, else n/d.
  for (int s = 0; s <= 1100; ++s) {
    cpp_rational m = q * cpp_rational(pow10(s));
    if (denominator(m) == 1) return text_of(numerator(m), s);
  }
  return numerator(q).str() + "/" + denominator(q).str();
}

cpp_int floor_of(const cpp_rational& q) {
  cpp_int n = numerator(q), d = denominator(q);
  cpp_int f = n / d;
  if (n % d != 0 && n < 0) f -= 1;
  return f;
}

enum Mode { HalfEven, HalfUp, HalfDown, TowardZero, AwayFromZero, Floor, Ceiling };
const char* const kModeNames[] = {"half_even", "half_up", "half_down", "toward_zero",
                                  "away_from_zero", "floor", "ceiling"};

// The integer k for q according to the rounding table of docs/decimal.md.
cpp_int round_integer(const cpp_rational& q, int mode) {
  cpp_int fl = floor_of(q);
  cpp_rational frac = q - cpp_rational(fl);
  if (frac == 0) return fl;
  cpp_int up = fl + 1;
  bool positive = q > 0;
  switch (mode) {
    case Floor: return fl;
    case Ceiling: return up;
    case TowardZero: return positive ? fl : up;
    case AwayFromZero: return positive ? up : fl;
    default: break;
  }
  cpp_rational twice = frac * 2;
  if (twice < 1) return fl;
  if (twice > 1) return up;
  switch (mode) {
    case HalfUp: return positive ? up : fl;      // ties away from zero
    case HalfDown: return positive ? fl : up;    // ties toward zero
    default: return (fl % 2 == 0) ? fl : up;     // HalfEven
  }
}

// ---- Expressions -----------------------------------------------------------------------------

enum class T { Int, Dec, Rate, Money };
const char* type_name(T t) {
  switch (t) {
    case T::Int: return "integer";
    case T::Dec: return "decimal";
    case T::Rate: return "rate";
    case T::Money: return "money";
  }
  return "?";
}
T stronger(T a, T b) {  // for numbers: rate > decimal > integer
  auto rank = [](T t) { return t == T::Rate ? 2 : t == T::Dec ? 1 : 0; };
  return rank(a) >= rank(b) ? a : b;
}

enum class K { Lit, Input, Neg, Abs, Add, Sub, Mul, Div, Round, Min, Max, If, Sched,
               Cmp, And, Or, Not };
enum Cmp { Eq, Ne, Lt, Le, Gt, Ge };
const char* const kCmpText[] = {"=", "!=", "<", "<=", ">", ">="};

struct Node {
  K kind;
  int a = -1, b = -1, c = -1;
  std::vector<int> args;  // Min, Max
  Num lit;                // Lit; the unit of Round
  int index = 0;          // Input: input index; Round: mode; Sched: schedule; Cmp: operator
};

struct Band {
  bool inclusive;
  Num threshold;
  Num value;
};
struct Schedule {
  std::string name;
  bool marginal;
  T argument, result;
  std::vector<Band> bands;  // the version in force (from 2020-01-01)
};

struct Input {
  std::string name;
  T type;
};

// What the oracle saw, per thread (summed at the end): how often the documented edge cases
// were actually reached.
struct Coverage {
  long long wide = 0;        // + - * / results with |mantissa| >= 2^127 (past the fast path)
  long long ties = 0;        // round() and division on an exact half
  long long divisions = 0, inexact_divisions = 0;
  long long on_threshold = 0;  // schedule arguments equal to a band's threshold
  long long rounds[7] = {};
};
thread_local Coverage t_cov;
const cpp_rational kWide = cpp_rational(cpp_int(1) << 127);

struct OracleError {
  std::string kind;  // "division by zero" or "is below the first band"
};

struct Batch {
  std::vector<Node> nodes;
  std::vector<Input> inputs;
  std::vector<Schedule> schedules;
  std::vector<int> outputs;  // root node of each output
  std::vector<T> output_types;
  std::vector<std::string> output_text;
  std::vector<std::vector<Num>> pool;  // interesting values by type (thresholds, literals)
  std::string source;

  // ---- oracle: the documented semantics ----
  // docs/decimal.md: at most 1000 digits in the mantissa, a scale of at most 1000.
  static Num note_wide(Num n) {
    if (abs(n.v) * cpp_rational(pow10(n.scale)) >= kWide) ++t_cov.wide;
    return n;
  }
  static Num checked(Num n) {
    if (n.scale > 1000 || abs(n.v) >= cpp_rational(pow10(1000), pow10(n.scale))) throw OracleError{"number too large"};
    return n;
  }
  Num eval(int id, const std::vector<Num>& in) const {
    const Node& n = nodes[static_cast<std::size_t>(id)];
    switch (n.kind) {
      case K::Lit: return n.lit;
      case K::Input: return in[static_cast<std::size_t>(n.index)];
      case K::Neg: { Num x = eval(n.a, in); x.v = -x.v; return x; }
      case K::Abs: { Num x = eval(n.a, in); if (x.v < 0) x.v = -x.v; return x; }
      case K::Add: case K::Sub: {
        Num x = eval(n.a, in), y = eval(n.b, in);
        Num r{n.kind == K::Add ? cpp_rational(x.v + y.v) : cpp_rational(x.v - y.v), std::max(x.scale, y.scale)};
        note_wide(r);
        return r;
      }
      case K::Mul: {
        Num x = eval(n.a, in), y = eval(n.b, in);
        return note_wide(checked(Num{x.v * y.v, x.scale + y.scale}));
      }
      case K::Div: {
        Num x = eval(n.a, in), y = eval(n.b, in);
        if (y.v == 0) throw OracleError{"division by zero"};
        int s = std::max({20, x.scale, y.scale});
        cpp_rational q = x.v / y.v * cpp_rational(pow10(s));
        ++t_cov.divisions;
        if (denominator(q) != 1) ++t_cov.inexact_divisions;
        if (denominator(q) == 2) ++t_cov.ties;
        return note_wide(checked(Num{cpp_rational(round_integer(q, HalfEven), pow10(s)), s}));
      }
      case K::Round: {
        Num x = eval(n.a, in);
        cpp_rational q = x.v / n.lit.v;
        ++t_cov.rounds[n.index];
        if (denominator(q) == 2) ++t_cov.ties;
        cpp_int k = round_integer(q, n.index);
        return Num{cpp_rational(k) * n.lit.v, n.lit.scale};
      }
      case K::Min: case K::Max: {
        std::vector<Num> values;
        for (int arg : n.args) values.push_back(eval(arg, in));
        std::size_t best = 0;  // the first of equal values
        for (std::size_t i = 1; i < values.size(); ++i)
          if (n.kind == K::Min ? values[i].v < values[best].v : values[i].v > values[best].v) best = i;
        return values[best];
      }
      case K::If: return test(n.a, in) ? eval(n.b, in) : eval(n.c, in);
      case K::Sched: return schedule(schedules[static_cast<std::size_t>(n.index)], eval(n.a, in));
      default: throw std::logic_error("not a number");
    }
  }

  bool test(int id, const std::vector<Num>& in) const {
    const Node& n = nodes[static_cast<std::size_t>(id)];
    switch (n.kind) {
      case K::Cmp: {
        cpp_rational x = eval(n.a, in).v, y = eval(n.b, in).v;
        switch (n.index) {
          case Eq: return x == y;
          case Ne: return x != y;
          case Lt: return x < y;
          case Le: return x <= y;
          case Gt: return x > y;
          default: return x >= y;
        }
      }
      case K::And: return test(n.a, in) && test(n.b, in);
      case K::Or: return test(n.a, in) || test(n.b, in);
      case K::Not: return !test(n.a, in);
      default: throw std::logic_error("not a condition");
    }
  }

  // docs/language.md, Schedules: lookup gives the value of the last band the argument falls in
  // (at or above X: x >= X; above X: x > X); below the first band is an error. marginal sums each
  // band's rate times the part of the argument inside the band (from its threshold to the next
  // one); the part below the first threshold is not charged.
  static Num schedule(const Schedule& s, const Num& x) {
    if (!s.marginal) {
      const Band* found = nullptr;
      for (const auto& b : s.bands) if (x.v == b.threshold.v) ++t_cov.on_threshold;
      for (const auto& b : s.bands)
        if (b.inclusive ? x.v >= b.threshold.v : x.v > b.threshold.v) found = &b;
      if (!found) throw OracleError{"is below the first band"};
      return found->value;
    }
    Num total;
    for (std::size_t i = 0; i < s.bands.size(); ++i) {
      const Band& b = s.bands[i];
      if (!(x.v > b.threshold.v)) continue;
      Num top = x;
      if (i + 1 < s.bands.size() && s.bands[i + 1].threshold.v < x.v) top = s.bands[i + 1].threshold;
      // (top - threshold) × rate, added: the scales of + - × (docs/decimal.md)
      Num part{(top.v - b.threshold.v) * b.value.v, std::max(top.scale, b.threshold.scale) + b.value.scale};
      total = Num{total.v + part.v, std::max(total.scale, part.scale)};
    }
    return total;
  }
};

// ---- Generator -------------------------------------------------------------------------------

struct Generator {
  std::mt19937_64 rng;
  Batch& batch;
  int max_depth;
  // A risky batch may divide by an expression that can be zero and call lookups whose first
  // band an argument can fall below: each record that fails so must fail in pol too, but fails
  // whole (with no outputs), so most batches avoid both.
  bool risky = false;
  bool without_schedules = false;  // no schedule calls: see make_batch

  Generator(std::uint64_t seed, Batch& b, int depth) : rng(seed), batch(b), max_depth(depth) {}

  std::uint64_t u(std::uint64_t n) { return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng); }
  bool chance(int percent) { return static_cast<int>(u(100)) < percent; }
  cpp_int rand_digits(int digits) {  // uniform-ish in [0, 10^digits)
    std::string s;
    for (int i = 0; i < digits; ++i) s += static_cast<char>('0' + u(10));
    return int_of_digits(s);
  }

  int add(Node n) {
    batch.nodes.push_back(std::move(n));
    return static_cast<int>(batch.nodes.size()) - 1;
  }

  // Money literal text with thousands separators: $1,234.50, (-$3)
  static std::string money_text(const Num& n) {
    std::string t = text_of(n);
    bool neg = t[0] == '-';
    if (neg) t.erase(0, 1);
    std::size_t point = t.find('.');
    std::string whole = t.substr(0, point), frac = point == std::string::npos ? "" : t.substr(point);
    std::string grouped;
    for (std::size_t i = 0; i < whole.size(); ++i) {
      if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
      grouped += whole[i];
    }
    return (neg ? "-$" : "$") + grouped + frac;
  }
  // A literal as written in a policy: integers, decimals (both sides of the point), rates as
  // percentages (whose scale is the written one plus 2), money with separators.
  static std::string literal_text(const Num& n, T t) {
    switch (t) {
      case T::Money: return money_text(n);
      case T::Rate: {
        std::string p = text_of(Num{n.v * 100, n.scale - 2});
        return p + "%";
      }
      case T::Dec: {
        std::string s = text_of(n);
        return s.find('.') == std::string::npos ? s + ".0" : s;  // never happens: scale >= 1
      }
      case T::Int: return text_of(n);
    }
    return "?";
  }

  Num random_literal(T t, bool allow_negative) {
    int scale = 0;
    if (t == T::Money) scale = static_cast<int>(u(4));            // $5, $5.5, $5.25, $5.125
    if (t == T::Dec) scale = 1 + static_cast<int>(u(4));
    if (t == T::Rate) scale = 2 + static_cast<int>(u(4));         // 5% .. 5.1234%
    int digits = 1 + static_cast<int>(u(t == T::Rate ? 4 : 10));
    cpp_int m = rand_digits(digits);
    if (allow_negative && chance(15)) m = -m;
    Num n{cpp_rational(m, pow10(scale)), scale};
    return n;
  }

  int literal(T t) {
    Num n = random_literal(t, true);
    batch.pool[static_cast<std::size_t>(t)].push_back(n);
    Node node{K::Lit};
    node.lit = n;
    return add(node);
  }

  // ---- expressions of type t; the source text is built alongside ----
  struct E {
    int id;
    std::string text;
  };

  E leaf(T t) {
    if (chance(75)) {
      std::vector<int> candidates;
      for (std::size_t i = 0; i < batch.inputs.size(); ++i)
        if (batch.inputs[i].type == t) candidates.push_back(static_cast<int>(i));
      int i = candidates[u(candidates.size())];
      Node n{K::Input};
      n.index = i;
      return {add(n), batch.inputs[static_cast<std::size_t>(i)].name};
    }
    int id = literal(t);
    std::string text = literal_text(batch.nodes[static_cast<std::size_t>(id)].lit, t);
    if (text[0] == '-') text = "(" + text + ")";
    return {id, text};
  }

  T weaker_or_equal(T t) {  // a number type that combines with t into t
    if (t == T::Rate) return std::array<T, 3>{T::Int, T::Dec, T::Rate}[u(3)];
    if (t == T::Dec) return chance(50) ? T::Int : T::Dec;
    return t;
  }
  T any_number() { return std::array<T, 3>{T::Int, T::Dec, T::Rate}[u(3)]; }

  E binary(K k, const char* op, E x, E y) {
    Node n{k};
    n.a = x.id;
    n.b = y.id;
    return {add(n), "(" + x.text + " " + op + " " + y.text + ")"};
  }

  // A divisor: mostly one that cannot be zero, sometimes any expression (division by zero is
  // then an evaluation error, which pol must report for the record).
  E divisor(T t, int depth) {
    int r = static_cast<int>(u(100));
    if (r < 50) {  // a non-zero literal
      Num n;
      do n = random_literal(t, true); while (n.v == 0);
      Node node{K::Lit};
      node.lit = n;
      std::string text = literal_text(n, t);
      return {add(node), text[0] == '-' ? "(" + text + ")" : text};
    }
    if (r < 97 || !risky) {  // abs(e) + positive literal
      E e = expr(t, depth);
      Node a{K::Abs};
      a.a = e.id;
      E abs_e{add(a), "abs(" + e.text + ")"};
      Num n;
      do n = random_literal(t, false); while (n.v == 0);
      Node lit{K::Lit};
      lit.lit = n;
      E l{add(lit), literal_text(n, t)};
      return binary(K::Add, "+", abs_e, l);
    }
    return expr(t, depth);
  }

  // Rounding units: money units for money, number units for numbers. The result type follows
  // docs/language.md: a whole-number unit gives an integer; an integer rounded to a decimal or
  // rate unit has the unit's type; otherwise the value's type.
  struct Unit {
    const char* text;
    T type;
  };
  E round(T result, int depth) {
    static const Unit money_units[] = {{"$0.01", T::Money}, {"$1", T::Money}, {"$1,000", T::Money},
                                       {"$0.05", T::Money}, {"$0.10", T::Money}, {"$100", T::Money},
                                       {"$0.001", T::Money}};
    static const Unit whole_units[] = {{"1", T::Int}, {"10", T::Int}, {"1000", T::Int}, {"5", T::Int}};
    static const Unit dec_units[] = {{"0.01", T::Dec}, {"0.05", T::Dec}, {"0.5", T::Dec}, {"0.001", T::Dec},
                                     {"0.25", T::Dec}};
    static const Unit rate_units[] = {{"0.1%", T::Rate}, {"1%", T::Rate}, {"0.01%", T::Rate}, {"0.5%", T::Rate},
                                      {"0.125%", T::Rate}};
    Unit unit;
    T value_type;
    switch (result) {
      case T::Money: unit = money_units[u(std::size(money_units))]; value_type = T::Money; break;
      // The checker keeps a rate rounded to a whole-number unit a rate (below); only integers
      // and decimals rounded to one give an integer.
      case T::Int: unit = whole_units[u(std::size(whole_units))]; value_type = chance(50) ? T::Int : T::Dec; break;
      case T::Dec:
        if (chance(50)) { unit = dec_units[u(std::size(dec_units))]; value_type = chance(50) ? T::Int : T::Dec; }
        else { unit = rate_units[u(std::size(rate_units))]; value_type = T::Dec; }
        break;
      case T::Rate:
        if (chance(40)) { unit = rate_units[u(std::size(rate_units))]; value_type = chance(50) ? T::Int : T::Rate; }
        else if (chance(50)) { unit = dec_units[u(std::size(dec_units))]; value_type = T::Rate; }
        else { unit = whole_units[u(std::size(whole_units))]; value_type = T::Rate; }
        break;
    }
    E x = expr(value_type, depth);
    std::string plain = unit.text;
    Num lit;
    if (unit.type == T::Money) {
      std::string digits;
      for (char ch : plain.substr(1)) if (ch != ',') digits += ch;
      cpp_rational v = rat_of_text(digits);
      std::size_t p = digits.find('.');
      lit = Num{v, p == std::string::npos ? 0 : static_cast<int>(digits.size() - p - 1)};
    } else if (unit.type == T::Rate) {
      std::string digits = plain.substr(0, plain.size() - 1);
      std::size_t p = digits.find('.');
      lit = Num{rat_of_text(digits) / 100, (p == std::string::npos ? 0 : static_cast<int>(digits.size() - p - 1)) + 2};
    } else {
      std::size_t p = plain.find('.');
      lit = Num{rat_of_text(plain), p == std::string::npos ? 0 : static_cast<int>(plain.size() - p - 1)};
    }
    Node n{K::Round};
    n.a = x.id;
    n.lit = lit;
    n.index = static_cast<int>(u(7));
    return {add(n), "round(" + x.text + ", to: " + plain + ", mode: " + kModeNames[n.index] + ")"};
  }

  E condition(int depth) {
    int r = static_cast<int>(u(100));
    if (depth > 0 && r < 8) {
      E x = condition(depth - 1);
      Node n{K::Not};
      n.a = x.id;
      return {add(n), "(not " + x.text + ")"};
    }
    if (depth > 0 && r < 20) {
      E x = condition(depth - 1), y = condition(depth - 1);
      bool is_and = chance(50);
      Node n{is_and ? K::And : K::Or};
      n.a = x.id;
      n.b = y.id;
      return {add(n), "(" + x.text + (is_and ? " and " : " or ") + y.text + ")"};
    }
    T a, b;
    if (chance(40)) a = b = T::Money;
    else { a = any_number(); b = any_number(); }
    E x = expr(a, depth), y;
    if (chance(40)) {  // against a value of the pool, often equal to an input
      y = leaf(b);
    } else {
      y = expr(b, depth);
    }
    Node n{K::Cmp};
    n.a = x.id;
    n.b = y.id;
    n.index = static_cast<int>(u(6));
    return {add(n), "(" + x.text + " " + kCmpText[n.index] + " " + y.text + ")"};
  }

  E call_schedule(T result, int depth) {
    std::vector<int> candidates;
    for (std::size_t i = 0; i < batch.schedules.size(); ++i)
      if (batch.schedules[i].result == result) candidates.push_back(static_cast<int>(i));
    if (candidates.empty()) return expr(result, depth);
    int s = candidates[u(candidates.size())];
    const Schedule& sch = batch.schedules[static_cast<std::size_t>(s)];
    E x = expr(sch.argument, depth);
    Node n{K::Sched};
    n.a = x.id;
    n.index = s;
    return {add(n), sch.name + "(" + x.text + ")"};
  }

  E expr(T t, int depth) {
    if (depth <= 0 || chance(12)) return leaf(t);
    const int d = depth - 1;
    int r = static_cast<int>(u(100));
    if (r < 14) {  // + -
      bool plus = chance(50);
      if (t == T::Money) return binary(plus ? K::Add : K::Sub, plus ? "+" : "-", expr(T::Money, d), expr(T::Money, d));
      T other = weaker_or_equal(t);
      E x = expr(t, d), y = expr(other, d);
      if (chance(50)) std::swap(x, y);
      return binary(plus ? K::Add : K::Sub, plus ? "+" : "-", x, y);
    }
    if (r < 28) {  // *
      if (t == T::Money) {
        E x = expr(T::Money, d), y = expr(any_number(), d);
        if (chance(30)) std::swap(x, y);
        return binary(K::Mul, "*", x, y);
      }
      E x = expr(t, d), y = expr(weaker_or_equal(t), d);
      if (chance(50)) std::swap(x, y);
      return binary(K::Mul, "*", x, y);
    }
    if (r < 42) {  // /
      switch (t) {
        case T::Money: return binary(K::Div, "/", expr(T::Money, d), divisor(any_number(), d));
        case T::Rate: return binary(K::Div, "/", expr(T::Rate, d), divisor(chance(50) ? T::Int : T::Dec, d));
        case T::Dec: {
          int k = static_cast<int>(u(5));
          if (k == 0) return binary(K::Div, "/", expr(T::Money, d), divisor(T::Money, d));
          if (k == 1) return binary(K::Div, "/", expr(T::Int, d), divisor(T::Int, d));
          if (k == 2) return binary(K::Div, "/", expr(T::Dec, d), divisor(any_number(), d));
          if (k == 3) return binary(K::Div, "/", expr(T::Rate, d), divisor(T::Rate, d));
          return binary(K::Div, "/", expr(T::Int, d), divisor(chance(50) ? T::Dec : T::Rate, d));
        }
        case T::Int: break;  // no division gives an integer
      }
      return round(t, d);
    }
    if (r < 56) return round(t, d);
    if (r < 64) {  // min, max
      bool is_min = chance(50);
      Node n{is_min ? K::Min : K::Max};
      int count = 2 + static_cast<int>(u(2));
      std::vector<E> args;
      for (int i = 0; i < count; ++i) args.push_back(expr(i == 0 ? t : weaker_or_equal(t), d));
      std::shuffle(args.begin(), args.end(), rng);
      std::string text = is_min ? "min(" : "max(";
      for (std::size_t i = 0; i < args.size(); ++i) {
        n.args.push_back(args[i].id);
        text += (i ? ", " : "") + args[i].text;
      }
      return {add(n), text + ")"};
    }
    if (r < 76) {  // if
      E c = condition(d);
      E x = expr(t, d), y = expr(weaker_or_equal(t), d);
      if (chance(50)) std::swap(x, y);
      Node n{K::If};
      n.a = c.id;
      n.b = x.id;
      n.c = y.id;
      return {add(n), "(if " + c.text + " then " + x.text + " else " + y.text + ")"};
    }
    if (r < 82) {
      E x = expr(t, d);
      Node n{K::Neg};
      n.a = x.id;
      return {add(n), "(-" + x.text + ")"};
    }
    if (r < 86 || without_schedules) {
      E x = expr(t, d);
      Node n{K::Abs};
      n.a = x.id;
      return {add(n), "abs(" + x.text + ")"};
    }
    return call_schedule(t, d);
  }
};

}  // namespace

namespace {

// Ascending random thresholds: spread over magnitudes, sometimes one unit of the scale apart.
std::vector<Num> thresholds(Generator& g, T type, int count, bool very_low_first) {
  std::vector<Num> out;
  int scale = type == T::Int ? 0 : type == T::Rate ? 2 + static_cast<int>(g.u(3)) : static_cast<int>(g.u(3));
  cpp_int m = very_low_first ? cpp_int(-pow10(900)) : -g.rand_digits(1 + static_cast<int>(g.u(6)));
  if (!very_low_first && g.chance(40)) m = 0;
  for (int i = 0; i < count; ++i) {
    out.push_back(Num{cpp_rational(m, pow10(scale)), scale});
    if (i == 0 && very_low_first) m = -g.rand_digits(1 + static_cast<int>(g.u(6)));
    else if (g.chance(25)) m += 1;
    else m += 1 + g.rand_digits(1 + static_cast<int>(g.u(type == T::Rate ? 4 : 9)));
  }
  return out;
}

std::string band_value_text(const Num& n, T t) { return Generator::literal_text(n, t); }

Batch make_batch(std::uint64_t seed, int outputs, int depth) {
  Batch batch;
  batch.pool.resize(4);
  Generator g(seed, batch, depth);
  g.risky = seed % 8 == 0;
  // Every other batch calls no schedule, so that its policy can be evaluated in blocks
  // (eval/batch_plan.hpp covers arithmetic, rounding, min/max, comparisons and conditions).
  g.without_schedules = seed % 2 == 1;
  // Inputs: several of each type.
  const std::pair<T, const char*> kinds[] = {{T::Money, "m"}, {T::Rate, "r"}, {T::Dec, "d"}, {T::Int, "i"}};
  for (auto [t, prefix] : kinds)
    for (int i = 0; i < 4; ++i) batch.inputs.push_back({prefix + std::to_string(i), t});
  // Schedules.
  struct Kind { bool marginal; T argument, result; };
  const Kind sched_kinds[] = {{false, T::Money, T::Money}, {false, T::Money, T::Rate}, {false, T::Money, T::Int},
                              {false, T::Rate, T::Int},    {false, T::Dec, T::Dec},    {false, T::Int, T::Money},
                              {true, T::Money, T::Money},  {true, T::Money, T::Money}};
  std::ostringstream src;
  src << "policy \"differential batch " << seed << "\"\n\nentity Household {\n";
  for (const auto& in : batch.inputs) src << "  input " << in.name << ": " << type_name(in.type) << "\n";
  src << "}\n\n";
  int k = 0;
  for (const auto& sk : sched_kinds) {
    Schedule s;
    s.name = "s" + std::to_string(k++);
    s.marginal = sk.marginal;
    s.argument = sk.argument;
    s.result = sk.result;
    int count = 1 + static_cast<int>(g.u(6));
    bool very_low = !s.marginal && (!g.risky || g.chance(60));  // else an argument may fall below the first band
    auto th = thresholds(g, s.argument, count, very_low);
    for (auto& t : th) {
      Band b;
      b.inclusive = g.chance(50);
      b.threshold = t;
      b.value = g.random_literal(s.marginal ? T::Rate : s.result, !s.marginal || g.chance(10));
      s.bands.push_back(b);
      if (!(very_low && &t == &th.front()))  // not the 900-digit floor: inputs would overflow
        batch.pool[static_cast<std::size_t>(s.argument)].push_back(t);
    }
    src << "schedule " << s.name << ": " << (s.marginal ? "marginal " : "lookup ") << type_name(s.argument)
        << " -> " << type_name(s.result) << "\n";
    // An earlier version, never in force on the evaluation date.
    src << "  from 2000-01-01\n    at or above " << (s.argument == T::Money ? "-$1,000,000,000" : "-1000000000")
        << ": " << (s.marginal ? "99%" : band_value_text(g.random_literal(s.result, false), s.result)) << "\n";
    src << "  from 2020-01-01\n";
    for (const auto& b : s.bands)
      src << "    " << (b.inclusive ? "at or above " : "above ") << Generator::literal_text(b.threshold, s.argument)
          << ": " << band_value_text(b.value, s.marginal ? T::Rate : s.result) << "\n";
    batch.schedules.push_back(std::move(s));
  }
  src << "\n";
  const T types[] = {T::Money, T::Money, T::Rate, T::Dec, T::Int};
  for (int o = 0; o < outputs; ++o) {
    T t = types[g.u(5)];
    int d = 1 + static_cast<int>(g.u(static_cast<std::uint64_t>(depth)));
    Generator::E e = g.expr(t, d);
    batch.outputs.push_back(e.id);
    batch.output_types.push_back(t);
    batch.output_text.push_back(e.text);
    src << "output Household.o" << o << ": " << type_name(t) << " =\n  " << e.text << "\n";
  }
  batch.source = src.str();
  return batch;
}

}  // namespace

namespace {

// ---- Records ---------------------------------------------------------------------------------

const cpp_int kTwo127 = cpp_int(1) << 127;             // the fast path holds |mantissa| < 2^127
const cpp_int kSqrtTwo127("13043817825332782212");     // about sqrt(2^127): products cross it

Num random_value(Generator& g, T t, const std::vector<Num>& pool) {
  int scale = t == T::Int ? 0 : static_cast<int>(g.u(g.chance(85) ? 5 : 9));
  int r = static_cast<int>(g.u(100));
  cpp_int m;
  if (r < 3) {
    m = 0;
  } else if (r < 30) {
    m = g.rand_digits(1 + static_cast<int>(g.u(6)));
  } else if (r < 45) {
    m = g.rand_digits(7 + static_cast<int>(g.u(13)));
  } else if (r < 60) {  // around 2^127 (and 10^38), the end of the fast path
    int which = static_cast<int>(g.u(4));
    cpp_int base = which == 0 ? cpp_int(pow10(38)) : which == 1 ? cpp_int(kTwo127 / 2) : kTwo127;
    m = base + cpp_int(static_cast<long long>(g.u(4001))) - 2000;
  } else if (r < 70) {  // about sqrt(2^127): a product of two crosses 2^127
    m = kSqrtTwo127 + cpp_int(static_cast<long long>(g.u(2001))) - 1000;
  } else if (r < 82) {  // exact ties for the rounding units: ...5 at the last place
    if (scale == 0 && t != T::Int) scale = 1 + static_cast<int>(g.u(4));
    m = g.rand_digits(1 + static_cast<int>(g.u(8))) * 10 + 5;
  } else if (!pool.empty()) {  // a schedule threshold or a literal, or just next to it
    Num p = pool[g.u(pool.size())];
    if (t != T::Int && g.chance(40)) {
      int s = p.scale + 1 + static_cast<int>(g.u(2));
      p.v += cpp_rational(g.chance(50) ? 1 : -1, pow10(s));
      p.scale = s;
    }
    return p;
  } else {
    m = g.rand_digits(1 + static_cast<int>(g.u(6)));
  }
  if (g.chance(40)) m = -m;
  return Num{cpp_rational(m, pow10(scale)), scale};
}

// ---- Running batches -------------------------------------------------------------------------

struct Options {
  std::uint64_t seed = 0;
  bool seed_given = false;
  int batches = 56;
  int outputs = 120;
  int records = 180;
  int depth = 4;
  int threads = 2;
  long long min_cases = 0;
  std::string dump;
};

struct Totals {
  std::atomic<long long> cases{0}, error_records{0}, records{0}, failures{0};
  std::atomic<long long> block_batches{0};  // batches whose policy has a batch plan
  std::atomic<long long> compile_us{0}, pol_us{0}, oracle_us{0};
  Coverage cov;  // under g_mutex
  long long kinds[17] = {};
};

std::mutex g_mutex;  // compiling (shared parser caches) and printing

long long micros_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
}

bool run_batch(std::uint64_t seed, const Options& opt, Totals& totals) {
  using clock = std::chrono::steady_clock;
  Batch batch = make_batch(seed, opt.outputs, opt.depth);
  auto t0 = clock::now();
  pol::Compilation c;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    c = pol::compile_source("differential_" + std::to_string(seed) + ".pol", batch.source);
  }
  totals.compile_us += micros_since(t0);
  auto dump_source = [&] {
    std::string path = (opt.dump.empty() ? std::string("/tmp") : opt.dump) + "/pol_differential_" + std::to_string(seed) + ".pol";
    std::ofstream(path) << batch.source;
    return path;
  };
  if (!c.policy) {
    std::lock_guard<std::mutex> lock(g_mutex);
    std::cerr << "FAIL: the generated policy of seed " << seed << " does not compile (" << dump_source() << "):\n"
              << pol::render_all(c.diagnostics, c.sources) << "\n";
    return false;
  }
  if (!opt.dump.empty()) dump_source();
  t_cov = Coverage{};
  struct Flush {
    Totals& totals;
    const Batch& batch;
    ~Flush() {
      std::lock_guard<std::mutex> lock(g_mutex);
      Coverage& c = totals.cov;
      c.wide += t_cov.wide; c.ties += t_cov.ties; c.divisions += t_cov.divisions;
      c.inexact_divisions += t_cov.inexact_divisions; c.on_threshold += t_cov.on_threshold;
      for (int m = 0; m < 7; ++m) c.rounds[m] += t_cov.rounds[m];
      for (const auto& n : batch.nodes) ++totals.kinds[static_cast<int>(n.kind)];
    }
  } flush{totals, batch};
  const pol::Policy& policy = *c.policy;
  std::vector<int> slot;  // input index in the policy's record, by batch input
  for (const auto& in : batch.inputs) slot.push_back(policy.find_input("Household", in.name)->index);
  pol::Evaluator evaluator(policy, *pol::Date::parse("2026-01-01"));

  Generator g(seed ^ 0x9e3779b97f4a7c15ULL, batch, opt.depth);
  std::vector<Num> values(batch.inputs.size());
  std::vector<Num> expected(batch.outputs.size());
  bool ok = true;
  std::vector<pol::Record> all_records;   // every record and its outcome one at a time, to compare
  std::vector<pol::Outcome> all_outcomes;  // with blocks of them (evaluate_batch, evaluate_columns)
  for (int rec = 0; rec < opt.records && ok; ++rec) {
    pol::Record record;
    record.id = "r" + std::to_string(rec);
    record.root = policy.empty_record(policy.root_entity());
    for (std::size_t i = 0; i < batch.inputs.size(); ++i) {
      values[i] = random_value(g, batch.inputs[i].type, batch.pool[static_cast<std::size_t>(batch.inputs[i].type)]);
      auto d = pol::Decimal::parse(text_of(values[i]));
      record.root.inputs[static_cast<std::size_t>(slot[i])] = pol::Value::of_number(*d);
    }
    auto t1 = clock::now();
    pol::Outcome outcome = evaluator.evaluate(record);
    totals.pol_us += micros_since(t1);
    all_records.push_back(record);
    all_outcomes.push_back(outcome);

    auto t2 = clock::now();
    int failing = -1;
    std::string failing_kind;
    for (std::size_t o = 0; o < batch.outputs.size(); ++o) {
      try {
        expected[o] = batch.eval(batch.outputs[o], values);
      } catch (const OracleError& e) {
        failing = static_cast<int>(o);
        failing_kind = e.kind;
        break;
      }
    }
    totals.oracle_us += micros_since(t2);
    ++totals.records;

    auto describe_inputs = [&] {
      std::string s;
      for (std::size_t i = 0; i < batch.inputs.size(); ++i)
        s += "    " + batch.inputs[i].name + " = " + text_of(values[i]) + "\n";
      return s;
    };
    auto fail = [&](int o, const std::string& what) {
      std::lock_guard<std::mutex> lock(g_mutex);
      std::cerr << "FAIL (seed " << seed << ", record " << rec << ", output o" << o << "): " << what << "\n"
                << "  expression (" << type_name(batch.output_types[static_cast<std::size_t>(o)]) << "):\n    "
                << batch.output_text[static_cast<std::size_t>(o)] << "\n  inputs:\n" << describe_inputs()
                << "  policy: " << dump_source() << "\n  replay: pol_differential_tests --seed " << seed
                << " --batches 1 --outputs " << opt.outputs << " --records " << opt.records << " --depth "
                << opt.depth << "\n";
      ++totals.failures;
      ok = false;
    };

    if (failing >= 0) {
      ++totals.error_records;
      if (std::getenv("POL_DIFFERENTIAL_VERBOSE"))
        std::cerr << "error record: o" << failing << " " << failing_kind << ": " << batch.output_text[failing] << "\n";
      if (outcome.ok) {
        fail(failing, "the oracle fails (" + failing_kind + ") but pol evaluates the record");
      } else if (outcome.error->rule != "Household.o" + std::to_string(failing) ||
                 outcome.error->message.find(failing_kind) == std::string::npos) {
        // Operands may be evaluated in either order: accept the other documented error of the
        // same output (an expression can hold both a division and a schedule).
        bool known = outcome.error->message.find("division by zero") != std::string::npos ||
                     outcome.error->message.find("is below the first band") != std::string::npos;
        if (!known || outcome.error->rule != "Household.o" + std::to_string(failing))
          fail(failing, "the oracle fails with \"" + failing_kind + "\", pol with \"" + outcome.error->message +
                            "\" in " + outcome.error->rule);
      }
      continue;
    }
    if (!outcome.ok) {
      int o = 0;
      const std::string& rule = outcome.error->rule;
      if (rule.rfind("Household.o", 0) == 0) o = std::atoi(rule.c_str() + 11);
      fail(o, "pol fails: " + outcome.error->message + " in " + rule + "; the oracle gives " +
                  text_of(expected[static_cast<std::size_t>(o)]));
      continue;
    }
    for (std::size_t o = 0; o < batch.outputs.size() && ok; ++o) {
      std::string got = outcome.outputs[o].number.to_string();
      if (rat_of_text(got) != expected[o].v)
        fail(static_cast<int>(o), "pol gives " + got + ", the oracle " + text_of(expected[o]));
    }
    if (ok) totals.cases += static_cast<long long>(batch.outputs.size());
  }
  if (!ok) return ok;

  // Blocks of the same records (eval/batch_plan.hpp): the same outputs, or the same error, in
  // every record, whether they come as Records or as columns.
  auto same = [&](std::size_t r, bool block_ok, const std::string& block_error,
                  const std::function<std::string(std::size_t)>& block_output, const char* how) {
    const pol::Outcome& one = all_outcomes[r];
    std::string difference;
    if (one.ok != block_ok) {
      difference = one.ok ? "fails in a block: " + block_error : "fails alone (" + one.error->message + ") but not in a block";
    } else if (!one.ok && one.error->message != block_error) {
      difference = "fails with \"" + block_error + "\" in a block, \"" + one.error->message + "\" alone";
    } else if (one.ok) {
      for (std::size_t o = 0; o < batch.outputs.size() && difference.empty(); ++o)
        if (one.outputs[o].number.to_string() != block_output(o))
          difference = "o" + std::to_string(o) + " is " + block_output(o) + " in a block, " +
                       one.outputs[o].number.to_string() + " alone";
    }
    if (difference.empty()) return true;
    std::lock_guard<std::mutex> lock(g_mutex);
    std::cerr << "FAIL (seed " << seed << ", record " << r << ", " << how << "): " << difference << "\n  policy: "
              << dump_source() << "\n";
    ++totals.failures;
    return false;
  };
  if (policy.program().batch_plan) ++totals.block_batches;
  pol::Evaluator block_evaluator(policy, *pol::Date::parse("2026-01-01"));
  std::vector<pol::Outcome> block_outcomes(all_records.size());
  block_evaluator.evaluate_batch(all_records, block_outcomes);
  for (std::size_t r = 0; r < all_records.size() && ok; ++r) {
    const pol::Outcome& b = block_outcomes[r];
    ok = same(r, b.ok, b.ok ? "" : b.error->message,
              [&](std::size_t o) { return b.outputs[o].number.to_string(); }, "evaluate_batch");
  }
  pol::RecordColumns columns(policy, all_records.size());
  const auto& inputs = policy.entities()[static_cast<std::size_t>(policy.root_entity())].inputs;
  for (std::size_t r = 0; r < all_records.size(); ++r)
    for (std::size_t i = 0; i < inputs.size(); ++i)
      if (all_records[r].root.inputs[i])
        columns.set(*policy.find_input("Household", inputs[i].name), r, *all_records[r].root.inputs[i]);
  pol::OutcomeColumns column_outcomes;
  block_evaluator.evaluate_columns(columns, column_outcomes);
  std::size_t next_error = 0;
  for (std::size_t r = 0; r < all_records.size() && ok; ++r) {
    std::string error;
    if (!column_outcomes.ok[r] && next_error < column_outcomes.errors.size() &&
        column_outcomes.errors[next_error].first == r)
      error = column_outcomes.errors[next_error++].second.message;
    ok = same(r, column_outcomes.ok[r] != 0, error,
              [&](std::size_t o) { return column_outcomes.outputs[o].numbers[r].to_string(); }, "evaluate_columns");
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) { std::cerr << a << " needs a value\n"; std::exit(2); }
      return argv[++i];
    };
    if (a == "--seed") { opt.seed = std::stoull(next()); opt.seed_given = true; }
    else if (a == "--batches") opt.batches = std::stoi(next());
    else if (a == "--outputs") opt.outputs = std::stoi(next());
    else if (a == "--records") opt.records = std::stoi(next());
    else if (a == "--depth") opt.depth = std::stoi(next());
    else if (a == "--threads") opt.threads = std::stoi(next());
    else if (a == "--min-cases") opt.min_cases = std::stoll(next());
    else if (a == "--dump") opt.dump = next();
    else { std::cerr << "unknown option " << a << "\n"; return 2; }
  }
  if (!opt.seed_given) {
    if (const char* env = std::getenv("POL_DIFFERENTIAL_SEED")) opt.seed = std::stoull(env);
    else opt.seed = (static_cast<std::uint64_t>(std::random_device{}()) << 20) ^ std::random_device{}();
  }
  std::cout << "pol differential test: seed " << opt.seed << ", " << opt.batches << " batches of " << opt.outputs
            << " outputs x " << opt.records << " records, depth " << opt.depth << ", " << opt.threads
            << " threads" << std::endl;
  auto start = std::chrono::steady_clock::now();
  Totals totals;
  std::atomic<int> next_batch{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (int t = 0; t < std::max(1, opt.threads); ++t)
    workers.emplace_back([&] {
      for (int b; !stop && (b = next_batch++) < opt.batches;)
        if (!run_batch(opt.seed + static_cast<std::uint64_t>(b), opt, totals)) stop = true;
    });
  for (auto& w : workers) w.join();
  double seconds = static_cast<double>(micros_since(start)) / 1e6;
  std::cout << totals.cases << " cases agree (" << totals.records << " records, " << totals.error_records
            << " of them failing as the oracle predicts) in " << seconds << " s; compile "
            << static_cast<double>(totals.compile_us) / 1e6 << " s, pol " << static_cast<double>(totals.pol_us) / 1e6
            << " s, oracle " << static_cast<double>(totals.oracle_us) / 1e6 << " s (summed over threads)\n";
  const Coverage& c = totals.cov;
  std::cout << "coverage (oracle evaluations): " << c.wide << " results past 2^127, " << c.divisions << " divisions ("
            << c.inexact_divisions << " inexact), " << c.ties << " exact halves rounded, " << c.on_threshold
            << " schedule arguments on a threshold; round() by mode:";
  for (int m = 0; m < 7; ++m) std::cout << " " << kModeNames[m] << " " << c.rounds[m];
  const char* const kind_names[] = {"literal", "input", "neg", "abs", "+", "-", "*", "/", "round", "min", "max",
                                    "if", "schedule", "comparison", "and", "or", "not"};
  std::cout << "\ngenerated nodes:";
  for (int k = 0; k < 17; ++k) std::cout << " " << kind_names[k] << " " << totals.kinds[k];
  std::cout << "\nevery record also evaluated in blocks (evaluate_batch, evaluate_columns); " << totals.block_batches
            << " of " << opt.batches << " batches with a batch plan\n";
  if (totals.failures) {
    std::cout << "FAILED: seed " << opt.seed << "\n";
    return 1;
  }
  if (opt.batches >= 2 && totals.block_batches == 0) {
    std::cout << "FAILED: no batch had a batch plan: the blocks were never tested\n";
    return 1;
  }
  if (totals.cases < opt.min_cases) {
    std::cout << "FAILED: only " << totals.cases << " cases, fewer than --min-cases " << opt.min_cases << "\n";
    return 1;
  }
  return 0;
}
