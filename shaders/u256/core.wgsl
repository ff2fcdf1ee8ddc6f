// 256-bit EVM words: 8 x u32 limbs, little-endian (limb 0 holds the least
// significant 32 bits). Every u256_* function is pure and works on function-scope
// values, so kernels can call them on stack slots copied out of storage buffers.
// Signed views are two's complement, as in the EVM.

alias u256 = array<u32, 8>;

fn u256_zero() -> u256 {
  return u256(0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u);
}

fn u256_from_u32(x: u32) -> u256 {
  return u256(x, 0u, 0u, 0u, 0u, 0u, 0u, 0u);
}

fn u256_one() -> u256 {
  return u256_from_u32(1u);
}

fn u256_max() -> u256 {
  let m = 0xffffffffu;
  return u256(m, m, m, m, m, m, m, m);
}

// EVM comparison opcodes push 1 or 0.
fn u256_from_bool(b: bool) -> u256 {
  return u256_from_u32(select(0u, 1u, b));
}

fn u256_is_zero(a: u256) -> bool {
  return (a[0] | a[1] | a[2] | a[3] | a[4] | a[5] | a[6] | a[7]) == 0u;
}

// True when the word is below 2^32, so limb 0 is the whole value (shift counts,
// byte indexes, memory offsets).
fn u256_fits_u32(a: u256) -> bool {
  return (a[1] | a[2] | a[3] | a[4] | a[5] | a[6] | a[7]) == 0u;
}

// Sign bit of the two's complement view.
fn u256_is_neg(a: u256) -> bool {
  return (a[7] >> 31u) != 0u;
}

// Unsigned three-way compare: -1 if a < b, 0 if equal, 1 if a > b. Scans every limb
// upward and lets the highest differing one decide, with no early exit, so the loop
// unrolls and no limb is read through a computed index.
fn u256_cmp(a: u256, b: u256) -> i32 {
  var r = 0;
  for (var i = 0u; i < 8u; i++) {
    r = select(r, select(1, -1, a[i] < b[i]), a[i] != b[i]);
  }
  return r;
}

// Two's complement negation (0 - a), used by the signed opcodes.
fn u256_neg(a: u256) -> u256 {
  var r: u256;
  var carry = 1u;
  for (var i = 0u; i < 8u; i++) {
    let s = ~a[i] + carry;
    r[i] = s;
    carry = select(0u, 1u, s < carry);
  }
  return r;
}

fn u256_abs(a: u256) -> u256 {
  if (u256_is_neg(a)) {
    return u256_neg(a);
  }
  return a;
}
