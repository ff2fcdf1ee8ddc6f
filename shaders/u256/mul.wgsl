//! requires: u256/core
// Multiplication primitives. WGSL has no u64 and no mul-hi, so a 32x32 -> 64 bit
// product is assembled from four 16x16 -> 32 bit partial products.

// Full 64-bit product of two u32 values as vec2(lo, hi).
fn u256_mul32(a: u32, b: u32) -> vec2<u32> {
  let a0 = a & 0xffffu;
  let a1 = a >> 16u;
  let b0 = b & 0xffffu;
  let b1 = b >> 16u;
  let p00 = a0 * b0;
  let p11 = a1 * b1;
  let p01 = a0 * b1;
  let mid = p01 + a1 * b0;
  // The two cross products can overflow 32 bits together; that carry is worth 2^48.
  let mid_carry = select(0u, 0x10000u, mid < p01);
  let lo = p00 + (mid << 16u);
  let lo_carry = select(0u, 1u, lo < p00);
  return vec2<u32>(lo, p11 + (mid >> 16u) + mid_carry + lo_carry);
}

// 512-bit product of two words, as the low and high 256-bit halves.
struct u512 {
  lo: u256,
  hi: u256,
}

// x + y + z where y < 2^32 and z < 2^32, returned as (lo, carry) with carry <= 2.
fn u256_add3(x: u32, y: u32, z: u32) -> vec2<u32> {
  let s = x + y;
  let t = s + z;
  return vec2<u32>(t, select(0u, 1u, s < x) + select(0u, 1u, t < s));
}

// MUL: the low 256 bits of a * b. Product scanning by output column needs only the
// 36 limb products with i + j < 8; the rest only feed the discarded high half.
fn u256_mul(a: u256, b: u256) -> u256 {
  var r: u256;
  // Column accumulator (c0, c1, c2): up to 8 products of 64 bits fit in 96 bits.
  var c0 = 0u;
  var c1 = 0u;
  var c2 = 0u;
  for (var k = 0u; k < 8u; k++) {
    for (var i = 0u; i <= k; i++) {
      let p = u256_mul32(a[i], b[k - i]);
      let s0 = u256_add3(c0, p.x, 0u);
      c0 = s0.x;
      let s1 = u256_add3(c1, p.y, s0.y);
      c1 = s1.x;
      c2 += s1.y;
    }
    r[k] = c0;
    c0 = c1;
    c1 = c2;
    c2 = 0u;
  }
  return r;
}

// All 512 bits of a * b (MULMOD needs the high half). Operand scanning: each row adds
// a[i] * b into the running sum; a row's carry limb never exceeds 32 bits because
// (2^32-1)^2 + 2 (2^32-1) = 2^64 - 1.
fn u256_mul_wide(a: u256, b: u256) -> u512 {
  var r: array<u32, 16>;
  for (var i = 0u; i < 8u; i++) {
    var carry = 0u;
    for (var j = 0u; j < 8u; j++) {
      let p = u256_mul32(a[i], b[j]);
      let s = u256_add3(r[i + j], p.x, carry);
      r[i + j] = s.x;
      carry = p.y + s.y;
    }
    r[i + 8u] = carry;
  }
  var out: u512;
  for (var i = 0u; i < 8u; i++) {
    out.lo[i] = r[i];
    out.hi[i] = r[i + 8u];
  }
  return out;
}
