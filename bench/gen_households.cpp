// pol_bench_gen: deterministic JSON-lines households for the example policies (bench/run.sh).
//
//   pol_bench_gen KIND N [SEED] > households.jsonl
//
// KIND: unemployment (examples/unemployment_insurance.pol), portable (portable_benefits.pol),
// family (family_benefit.pol), fr (fr_allocations_familiales.pol). Every household has 1 to 6
// members (sources for portable, children for fr). The stream is splitmix64 seeded with SEED
// (default 20260101): the same arguments give the same bytes. Amounts are drawn as integer cents
// and written as decimal strings ("1234.56"): no floating point anywhere.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::int64_t below(std::int64_t n) { return static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(n)); }
  bool percent(int p) { return below(100) < p; }
};

struct Out {
  std::string buf;
  void flush() {
    std::fwrite(buf.data(), 1, buf.size(), stdout);
    buf.clear();
  }
  Out& s(const char* text) { buf += text; return *this; }
  Out& i(std::int64_t v) { buf += std::to_string(v); return *this; }
  Out& b(bool v) { buf += v ? "true" : "false"; return *this; }
  // "1234.56" from cents, as a JSON string
  Out& cents(std::int64_t c) {
    char tmp[40];
    std::snprintf(tmp, sizeof tmp, "\"%s%lld.%02lld\"", c < 0 ? "-" : "", static_cast<long long>((c < 0 ? -c : c) / 100),
                  static_cast<long long>((c < 0 ? -c : c) % 100));
    buf += tmp;
    return *this;
  }
  Out& q(const char* text) { buf += '"'; buf += text; buf += '"'; return *this; }
};

void unemployment(Rng& r, Out& o, std::int64_t id) {
  static const char* reasons[] = {"layoff", "end_of_contract", "good_cause_quit", "voluntary_quit", "misconduct"};
  // region rate 2.0% .. 12.0% in tenths of a percent
  const std::int64_t rate = 20 + r.below(101);
  o.s("{\"id\":\"h").i(id).s("\",\"region_unemployment_rate\":\"").i(rate / 10).s(".").i(rate % 10).s("%\",\"members\":[");
  const int n = 1 + static_cast<int>(r.below(6));
  for (int m = 0; m < n; ++m) {
    o.s(m ? ",{" : "{").s("\"employed\":").b(r.percent(40));
    o.s(",\"separation_reason\":").q(reasons[r.below(5)]);
    o.s(",\"weeks_worked_last_52\":").i(r.below(53));
    o.s(",\"highest_quarter_wages\":").cents(r.below(2500001));
    o.s(",\"dependants\":").i(r.below(7));
    o.s(",\"regular_weeks_paid\":").i(r.below(40));
    o.s(",\"extended_weeks_paid\":").i(r.below(10)).s("}");
  }
  o.s("]}\n");
}

void portable(Rng& r, Out& o, std::int64_t id) {
  static const char* kinds[] = {"employer", "platform", "self_employment"};
  o.s("{\"id\":\"w").i(id).s("\"");
  if (r.percent(40)) o.s(",\"voluntary_contribution\":").cents(r.below(15001));
  o.s(",\"sources\":[");
  const int n = 1 + static_cast<int>(r.below(6));
  for (int m = 0; m < n; ++m) {
    const std::int64_t tenths = r.below(2001);  // 0 .. 200.0 hours
    o.s(m ? ",{" : "{").s("\"kind\":").q(kinds[r.below(3)]);
    o.s(",\"basis\":").q(r.percent(70) ? "earnings" : "hours");
    o.s(",\"earnings\":").cents(r.below(600001));
    o.s(",\"hours\":\"").i(tenths / 10).s(".").i(tenths % 10).s("\"}");
  }
  o.s("]}\n");
}

void family(Rng& r, Out& o, std::int64_t id) {
  static const char* activities[] = {"employed_full_time", "part_time", "in_training", "self_employed", "not_working"};
  o.s("{\"id\":\"f").i(id).s("\"");
  if (r.percent(30)) o.s(",\"other_annual_income\":").cents(r.below(2000001));
  o.s(",\"members\":[");
  const int n = 1 + static_cast<int>(r.below(6));
  for (int m = 0; m < n; ++m) {
    // the first member is an adult; the others are children (60%), adults or elders
    const std::int64_t draw = r.below(100);
    const char* role = m == 0 ? "adult" : draw < 60 ? "child" : draw < 85 ? "adult" : "elder";
    o.s(m ? ",{" : "{").s("\"role\":").q(role);
    if (role[0] == 'c') {
      o.s(",\"age\":").i(r.below(21));
    } else if (role[0] == 'e') {
      o.s(",\"age\":").i(65 + r.below(30)).s(",\"needs_care\":").b(r.percent(50));
    } else {
      o.s(",\"age\":").i(18 + r.below(50)).s(",\"activity\":").q(activities[r.below(5)]);
      // earnings -5,000.00 .. 80,000.00 (a self-employment loss is negative)
      o.s(",\"annual_earnings\":").cents(r.below(8500001) - 500000);
    }
    o.s("}");
  }
  o.s("]}\n");
}

void fr(Rng& r, Out& o, std::int64_t id) {
  static const char* residences[] = {"Métropole", "Guadeloupe", "Guyane", "Martinique", "LaRéunion",
                                     "SaintBarthélemy", "SaintMartin", "SaintPierreEtMiquelon", "Mayotte"};
  static const char* prises[] = {"EffectiveEtPermanente", "GardeAlternéeAllocataireUnique",
                                 "GardeAlternéePartageAllocations", "ServicesSociauxAllocationVerséeÀLaFamille",
                                 "ServicesSociauxAllocationVerséeAuxServicesSociaux"};
  // 80% Métropole, the rest spread over the other residences
  const char* residence = r.percent(80) ? residences[0] : residences[1 + r.below(8)];
  const bool parent = r.percent(95);
  o.s("{\"id\":\"m").i(id).s("\",\"ressources_menage\":").cents(r.below(12000001));
  o.s(",\"residence\":").q(residence).s(",\"est_parent\":").b(parent);
  o.s(",\"remplit_titre_I\":").b(!parent || r.percent(10));
  o.s(",\"avait_enfant_a_charge_avant_1er_janvier_2012\":").b(r.percent(20)).s(",\"enfants\":[");
  const int n = 1 + static_cast<int>(r.below(6));
  for (int m = 0; m < n; ++m) {
    // born 1998-01-01 .. 2020-04-28 (the households are evaluated as of 2020-05-01)
    const std::int64_t year = 1998 + r.below(22), month = 1 + r.below(12), day = 1 + r.below(28);
    char date[16];
    std::snprintf(date, sizeof date, "%04lld-%02lld-%02lld", static_cast<long long>(year), static_cast<long long>(month),
                  static_cast<long long>(day));
    o.s(m ? ",{" : "{").s("\"id\":").i(m + 1).s(",\"date_de_naissance\":").q(date);
    o.s(",\"remuneration_mensuelle\":").cents(r.percent(80) ? 0 : r.below(150001));
    o.s(",\"prise_en_charge\":").q(r.percent(85) ? prises[0] : prises[1 + r.below(4)]);
    o.s(",\"deja_ouvert_droit_af\":").b(r.percent(70)).s(",\"titre_personnel_apl\":").b(r.percent(5)).s("}");
  }
  o.s("]}\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: pol_bench_gen unemployment|portable|family|fr N [SEED]\n");
    return 2;
  }
  void (*make)(Rng&, Out&, std::int64_t) = nullptr;
  if (!std::strcmp(argv[1], "unemployment")) make = unemployment;
  if (!std::strcmp(argv[1], "portable")) make = portable;
  if (!std::strcmp(argv[1], "family")) make = family;
  if (!std::strcmp(argv[1], "fr")) make = fr;
  if (!make) {
    std::fprintf(stderr, "unknown kind %s\n", argv[1]);
    return 2;
  }
  const long long n = std::atoll(argv[2]);
  Rng rng{argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 20260101ull};
  Out out;
  out.buf.reserve(1 << 20);
  for (long long i = 1; i <= n; ++i) {
    make(rng, out, i);
    if (out.buf.size() > (1 << 20) - 4096) out.flush();
  }
  out.flush();
  return 0;
}
