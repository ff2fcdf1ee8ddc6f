//! requires: u256/core
// Multiplication primitives. WGSL has no u64 and no mul-hi, so a 32x32 -> 64 bit
// product is assembled from four 16x16 -> 32 bit partial products.
//
// The word products below are written out in full rather than as nested loops: on
// lavapipe, nested loops over limbs are not unrolled, the limbs then live in memory
// behind computed indexes, and MUL measured about 7x slower than this form.

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

// Adds a 64-bit product into a 96-bit column accumulator (x, y, z). A column sums
// at most 8 products, within 96 bits.
fn u256_acc(acc: vec3<u32>, p: vec2<u32>) -> vec3<u32> {
  let s0 = acc.x + p.x;
  let c0 = select(0u, 1u, s0 < p.x);
  let s1 = acc.y + p.y;
  let s2 = s1 + c0;
  let c1 = select(0u, 1u, s1 < p.y) + select(0u, 1u, s2 < c0);
  return vec3<u32>(s0, s2, acc.z + c1);
}

// The accumulator after a column is emitted: its low word leaves, the rest moves down.
fn u256_acc_next(acc: vec3<u32>) -> vec3<u32> {
  return vec3<u32>(acc.y, acc.z, 0u);
}

// MUL: the low 256 bits of a * b. Product scanning by output column needs only the
// 36 limb products with i + j < 8; the others only feed the discarded high half.
fn u256_mul(a: u256, b: u256) -> u256 {
  var r: u256;
  var acc = vec3<u32>(0u);
  acc = u256_acc(acc, u256_mul32(a[0], b[0]));
  r[0] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[0], b[1]));
  acc = u256_acc(acc, u256_mul32(a[1], b[0]));
  r[1] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[0], b[2]));
  acc = u256_acc(acc, u256_mul32(a[1], b[1]));
  acc = u256_acc(acc, u256_mul32(a[2], b[0]));
  r[2] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[0], b[3]));
  acc = u256_acc(acc, u256_mul32(a[1], b[2]));
  acc = u256_acc(acc, u256_mul32(a[2], b[1]));
  acc = u256_acc(acc, u256_mul32(a[3], b[0]));
  r[3] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[0], b[4]));
  acc = u256_acc(acc, u256_mul32(a[1], b[3]));
  acc = u256_acc(acc, u256_mul32(a[2], b[2]));
  acc = u256_acc(acc, u256_mul32(a[3], b[1]));
  acc = u256_acc(acc, u256_mul32(a[4], b[0]));
  r[4] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[0], b[5]));
  acc = u256_acc(acc, u256_mul32(a[1], b[4]));
  acc = u256_acc(acc, u256_mul32(a[2], b[3]));
  acc = u256_acc(acc, u256_mul32(a[3], b[2]));
  acc = u256_acc(acc, u256_mul32(a[4], b[1]));
  acc = u256_acc(acc, u256_mul32(a[5], b[0]));
  r[5] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[0], b[6]));
  acc = u256_acc(acc, u256_mul32(a[1], b[5]));
  acc = u256_acc(acc, u256_mul32(a[2], b[4]));
  acc = u256_acc(acc, u256_mul32(a[3], b[3]));
  acc = u256_acc(acc, u256_mul32(a[4], b[2]));
  acc = u256_acc(acc, u256_mul32(a[5], b[1]));
  acc = u256_acc(acc, u256_mul32(a[6], b[0]));
  r[6] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[0], b[7]));
  acc = u256_acc(acc, u256_mul32(a[1], b[6]));
  acc = u256_acc(acc, u256_mul32(a[2], b[5]));
  acc = u256_acc(acc, u256_mul32(a[3], b[4]));
  acc = u256_acc(acc, u256_mul32(a[4], b[3]));
  acc = u256_acc(acc, u256_mul32(a[5], b[2]));
  acc = u256_acc(acc, u256_mul32(a[6], b[1]));
  acc = u256_acc(acc, u256_mul32(a[7], b[0]));
  r[7] = acc.x;
  return r;
}

// 512-bit product of two words, as the low and high 256-bit halves.
struct u512 {
  lo: u256,
  hi: u256,
}

// All 512 bits of a * b (MULMOD needs the high half): all 64 limb products, by column.
fn u256_mul_wide(a: u256, b: u256) -> u512 {
  var r: u512;
  var acc = vec3<u32>(0u);
  acc = u256_acc(acc, u256_mul32(a[0], b[0]));
  r.lo[0] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[0], b[1]));
  acc = u256_acc(acc, u256_mul32(a[1], b[0]));
  r.lo[1] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[0], b[2]));
  acc = u256_acc(acc, u256_mul32(a[1], b[1]));
  acc = u256_acc(acc, u256_mul32(a[2], b[0]));
  r.lo[2] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[0], b[3]));
  acc = u256_acc(acc, u256_mul32(a[1], b[2]));
  acc = u256_acc(acc, u256_mul32(a[2], b[1]));
  acc = u256_acc(acc, u256_mul32(a[3], b[0]));
  r.lo[3] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[0], b[4]));
  acc = u256_acc(acc, u256_mul32(a[1], b[3]));
  acc = u256_acc(acc, u256_mul32(a[2], b[2]));
  acc = u256_acc(acc, u256_mul32(a[3], b[1]));
  acc = u256_acc(acc, u256_mul32(a[4], b[0]));
  r.lo[4] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[0], b[5]));
  acc = u256_acc(acc, u256_mul32(a[1], b[4]));
  acc = u256_acc(acc, u256_mul32(a[2], b[3]));
  acc = u256_acc(acc, u256_mul32(a[3], b[2]));
  acc = u256_acc(acc, u256_mul32(a[4], b[1]));
  acc = u256_acc(acc, u256_mul32(a[5], b[0]));
  r.lo[5] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[0], b[6]));
  acc = u256_acc(acc, u256_mul32(a[1], b[5]));
  acc = u256_acc(acc, u256_mul32(a[2], b[4]));
  acc = u256_acc(acc, u256_mul32(a[3], b[3]));
  acc = u256_acc(acc, u256_mul32(a[4], b[2]));
  acc = u256_acc(acc, u256_mul32(a[5], b[1]));
  acc = u256_acc(acc, u256_mul32(a[6], b[0]));
  r.lo[6] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[0], b[7]));
  acc = u256_acc(acc, u256_mul32(a[1], b[6]));
  acc = u256_acc(acc, u256_mul32(a[2], b[5]));
  acc = u256_acc(acc, u256_mul32(a[3], b[4]));
  acc = u256_acc(acc, u256_mul32(a[4], b[3]));
  acc = u256_acc(acc, u256_mul32(a[5], b[2]));
  acc = u256_acc(acc, u256_mul32(a[6], b[1]));
  acc = u256_acc(acc, u256_mul32(a[7], b[0]));
  r.lo[7] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[1], b[7]));
  acc = u256_acc(acc, u256_mul32(a[2], b[6]));
  acc = u256_acc(acc, u256_mul32(a[3], b[5]));
  acc = u256_acc(acc, u256_mul32(a[4], b[4]));
  acc = u256_acc(acc, u256_mul32(a[5], b[3]));
  acc = u256_acc(acc, u256_mul32(a[6], b[2]));
  acc = u256_acc(acc, u256_mul32(a[7], b[1]));
  r.hi[0] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[2], b[7]));
  acc = u256_acc(acc, u256_mul32(a[3], b[6]));
  acc = u256_acc(acc, u256_mul32(a[4], b[5]));
  acc = u256_acc(acc, u256_mul32(a[5], b[4]));
  acc = u256_acc(acc, u256_mul32(a[6], b[3]));
  acc = u256_acc(acc, u256_mul32(a[7], b[2]));
  r.hi[1] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[3], b[7]));
  acc = u256_acc(acc, u256_mul32(a[4], b[6]));
  acc = u256_acc(acc, u256_mul32(a[5], b[5]));
  acc = u256_acc(acc, u256_mul32(a[6], b[4]));
  acc = u256_acc(acc, u256_mul32(a[7], b[3]));
  r.hi[2] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[4], b[7]));
  acc = u256_acc(acc, u256_mul32(a[5], b[6]));
  acc = u256_acc(acc, u256_mul32(a[6], b[5]));
  acc = u256_acc(acc, u256_mul32(a[7], b[4]));
  r.hi[3] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[5], b[7]));
  acc = u256_acc(acc, u256_mul32(a[6], b[6]));
  acc = u256_acc(acc, u256_mul32(a[7], b[5]));
  r.hi[4] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[6], b[7]));
  acc = u256_acc(acc, u256_mul32(a[7], b[6]));
  r.hi[5] = acc.x;
  acc = u256_acc_next(acc);
  acc = u256_acc(acc, u256_mul32(a[7], b[7]));
  r.hi[6] = acc.x;
  acc = u256_acc_next(acc);
  r.hi[7] = acc.x;
  return r;
}
