//! requires: u256/mul interpreter/frame
// Gas is a 64-bit quantity (vec2: low word, high word): a call may carry more than
// 2^32 gas. Costs are 64-bit too, saturating at 2^64 - 1, which exceeds any gas the host
// accepts (below 2^63), so a saturated cost always runs out of gas.

const U64_MAX = vec2<u32>(0xffffffffu, 0xffffffffu);

fn u64(lo: u32) -> vec2<u32> {
  return vec2<u32>(lo, 0u);
}

fn u64_lt(a: vec2<u32>, b: vec2<u32>) -> bool {
  return a.y < b.y || (a.y == b.y && a.x < b.x);
}

fn u64_add(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  let lo = a.x + b.x;
  return vec2<u32>(lo, a.y + b.y + select(0u, 1u, lo < a.x));
}

fn u64_sub(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  return vec2<u32>(a.x - b.x, a.y - b.y - select(0u, 1u, a.x < b.x));
}

fn u64_add_sat(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  let s = u64_add(a, b);
  return select(s, U64_MAX, u64_lt(s, a));
}

// a * b for a 32-bit b, saturating.
fn u64_mul_sat(a: vec2<u32>, b: u32) -> vec2<u32> {
  let lo = u256_mul32(a.x, b);
  let hi = u256_mul32(a.y, b);
  let top = lo.y + hi.x;
  if (hi.y != 0u || top < lo.y) {
    return U64_MAX;
  }
  return vec2<u32>(lo.x, top);
}

// Takes `cost` from the gas left; false (and nothing taken) when it does not cover it.
fn charge(cost: vec2<u32>) -> bool {
  if (u64_lt(gas, cost)) {
    return false;
  }
  gas = u64_sub(gas, cost);
  return true;
}

// Words of 32 bytes covering len bytes, for copy, hash and memory costs; len clamped
// to u32 first, so for huge lengths this is a lower bound.
fn words_of(len: u32) -> u32 {
  return (len >> 5u) + select(0u, 1u, (len & 31u) != 0u);
}

// The quadratic term's divisor, a power of two, as a shift.
const QUAD_SHIFT = countTrailingZeros(GAS_QUAD_COEFFICIENT_DIV);

// Total gas for a memory of w words: GAS_MEMORY w + w^2 / GAS_QUAD_COEFFICIENT_DIV,
// exact for any u32 w.
fn memory_cost(w: u32) -> vec2<u32> {
  let sq = u256_mul32(w, w);
  let q = vec2<u32>((sq.x >> QUAD_SHIFT) | (sq.y << (32u - QUAD_SHIFT)), sq.y >> QUAD_SHIFT);
  return u64_add(q, u256_mul32(w, GAS_MEMORY));
}
