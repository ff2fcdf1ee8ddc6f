//! requires: u256/core
// EVM bitwise opcodes AND..SHR. Arguments are in stack order: BYTE i x, SHL shift
// value, SHR shift value. SAR is the interpreter's (arith_light in
// kernels/interpreter/arith.wgsl): ~(~value >> shift) through SHR's one shifter.

fn u256_and(a: u256, b: u256) -> u256 {
  var r: u256;
  for (var i = 0u; i < 8u; i++) {
    r[i] = a[i] & b[i];
  }
  return r;
}

fn u256_or(a: u256, b: u256) -> u256 {
  var r: u256;
  for (var i = 0u; i < 8u; i++) {
    r[i] = a[i] | b[i];
  }
  return r;
}

fn u256_xor(a: u256, b: u256) -> u256 {
  var r: u256;
  for (var i = 0u; i < 8u; i++) {
    r[i] = a[i] ^ b[i];
  }
  return r;
}

fn u256_not(a: u256) -> u256 {
  var r: u256;
  for (var i = 0u; i < 8u; i++) {
    r[i] = ~a[i];
  }
  return r;
}

// BYTE: byte i of x counting from the most significant end; 0 when i >= 32.
fn u256_byte(i: u256, x: u256) -> u256 {
  if (!u256_fits_u32(i) || i[0] >= 32u) {
    return u256_zero();
  }
  let k = 31u - i[0];
  return u256_from_u32((x[k / 4u] >> ((k % 4u) * 8u)) & 0xffu);
}

// Shifts are split into a whole-limb move (a three-stage barrel of constant
// shuffles, so no limb is fetched by a computed index) and a sub-limb bit shift.
fn u256_shl_limbs(a: u256, n: u32) -> u256 {
  var r = a;
  if ((n & 1u) != 0u) {
    r = u256(0u, r[0], r[1], r[2], r[3], r[4], r[5], r[6]);
  }
  if ((n & 2u) != 0u) {
    r = u256(0u, 0u, r[0], r[1], r[2], r[3], r[4], r[5]);
  }
  if ((n & 4u) != 0u) {
    r = u256(0u, 0u, 0u, 0u, r[0], r[1], r[2], r[3]);
  }
  return r;
}

fn u256_shr_limbs(a: u256, n: u32) -> u256 {
  var r = a;
  if ((n & 1u) != 0u) {
    r = u256(r[1], r[2], r[3], r[4], r[5], r[6], r[7], 0u);
  }
  if ((n & 2u) != 0u) {
    r = u256(r[2], r[3], r[4], r[5], r[6], r[7], 0u, 0u);
  }
  if ((n & 4u) != 0u) {
    r = u256(r[4], r[5], r[6], r[7], 0u, 0u, 0u, 0u);
  }
  return r;
}

// Bit shifts by s < 32. WGSL masks runtime shift counts to 5 bits, so the
// neighbour's contribution (shifted by 32 - s) must be dropped explicitly at s = 0.
fn u256_shl_bits(a: u256, s: u32) -> u256 {
  if (s == 0u) {
    return a;
  }
  var r: u256;
  r[0] = a[0] << s;
  for (var i = 1u; i < 8u; i++) {
    r[i] = (a[i] << s) | (a[i - 1u] >> (32u - s));
  }
  return r;
}

fn u256_shr_bits(a: u256, s: u32) -> u256 {
  if (s == 0u) {
    return a;
  }
  var r: u256;
  for (var i = 0u; i < 7u; i++) {
    r[i] = (a[i] >> s) | (a[i + 1u] << (32u - s));
  }
  r[7] = a[7] >> s;
  return r;
}

// SHL: value << shift, 0 when shift >= 256.
fn u256_shl(shift: u256, value: u256) -> u256 {
  if (!u256_fits_u32(shift) || shift[0] >= 256u) {
    return u256_zero();
  }
  return u256_shl_bits(u256_shl_limbs(value, shift[0] >> 5u), shift[0] & 31u);
}

// SHR: logical value >> shift, 0 when shift >= 256.
fn u256_shr(shift: u256, value: u256) -> u256 {
  if (!u256_fits_u32(shift) || shift[0] >= 256u) {
    return u256_zero();
  }
  return u256_shr_bits(u256_shr_limbs(value, shift[0] >> 5u), shift[0] & 31u);
}
