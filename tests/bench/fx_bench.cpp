// Conversions per second with a cached cross rate, against a bare 128-bit multiply-and-round reference in the
// same run (the least any exact conversion must do).
#include <benchmark/benchmark.h>

#include <fstream>

#include "fx/feeds.hpp"

namespace {

using namespace rgw::fx;

const RateTable& table() {
  static const RateTable t = [] {
    std::ifstream in(RGW_SOURCE_DIR "/tests/data/ecb-eurofxref-hist-2016-12-to-2017-03.xml", std::ios::binary);
    const std::string doc{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return RateTable::build(parse_ecb(doc, {}).value().front()).value();
  }();
  return t;
}

void convert_cached_cross_rate(benchmark::State& state) {
  const auto& t = table();
  const auto amount = Money::parse("10.00", "USD").value();
  const auto rub = Currency::from_code("RUB").value();
  for (auto _ : state) benchmark::DoNotOptimize(t.convert(amount, rub, 150));
  state.SetItemsProcessed(state.iterations());
}

void convert_mid_rate(benchmark::State& state) {
  const auto& t = table();
  const auto amount = Money::parse("1000", "JPY").value();
  const auto gbp = Currency::from_code("GBP").value();
  for (auto _ : state) benchmark::DoNotOptimize(t.convert(amount, gbp));
  state.SetItemsProcessed(state.iterations());
}

// Reference: one 64x64->128 multiplication and a rounding division, nothing else.
void reference_int128_multiply_round(benchmark::State& state) {
  std::int64_t a = 1000, b = 5874377662091812589;
  for (auto _ : state) {
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
    __extension__ __int128 p = static_cast<__int128>(a) * b;
    __extension__ __int128 q = p / 1'000'000'000'000'000;
    benchmark::DoNotOptimize(q + ((p % 1'000'000'000'000'000) * 2 >= 1'000'000'000'000'000));
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(reference_int128_multiply_round);
BENCHMARK(convert_cached_cross_rate);
BENCHMARK(convert_mid_rate);
BENCHMARK_MAIN();
