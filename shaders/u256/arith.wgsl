//! requires: u256/core u256/mul u256/divrem
// EVM arithmetic opcodes 0x01-0x0b. Arguments are in stack order: the first
// argument is the top of the stack (SUB a b = a - b, SIGNEXTEND b x). MUL lives in
// u256/mul beside the wide product it shares helpers with.

// ADD: a + b mod 2^256.
fn u256_add(a: u256, b: u256) -> u256 {
  var r: u256;
  var carry = 0u;
  for (var i = 0u; i < 8u; i++) {
    let s = a[i] + b[i];
    let t = s + carry;
    r[i] = t;
    carry = select(0u, 1u, s < a[i]) + select(0u, 1u, t < s);
  }
  return r;
}

// SUB: a - b mod 2^256.
fn u256_sub(a: u256, b: u256) -> u256 {
  var r: u256;
  var borrow = 0u;
  for (var i = 0u; i < 8u; i++) {
    let d = a[i] - b[i];
    r[i] = d - borrow;
    borrow = select(0u, 1u, a[i] < b[i]) + select(0u, 1u, d < borrow);
  }
  return r;
}

// DIV: floor(a / b), 0 when b is 0.
fn u256_div(a: u256, b: u256) -> u256 {
  return u256_divrem_wide(a, u256_zero(), b).quot;
}

// MOD: a mod b, 0 when b is 0.
fn u256_mod(a: u256, b: u256) -> u256 {
  return u256_divrem_wide(a, u256_zero(), b).rem;
}

// SDIV: signed division truncating toward zero, 0 when b is 0. -2^255 / -1 comes
// out as -2^255 without a special case: |a| = 2^255 and the signs agree.
fn u256_sdiv(a: u256, b: u256) -> u256 {
  let q = u256_divrem_wide(u256_abs(a), u256_zero(), u256_abs(b)).quot;
  if (u256_is_neg(a) != u256_is_neg(b)) {
    return u256_neg(q);
  }
  return q;
}

// SMOD: signed remainder whose sign follows the dividend, 0 when b is 0.
fn u256_smod(a: u256, b: u256) -> u256 {
  let r = u256_divrem_wide(u256_abs(a), u256_zero(), u256_abs(b)).rem;
  if (u256_is_neg(a)) {
    return u256_neg(r);
  }
  return r;
}

// ADDMOD: (a + b) mod n over the full 257-bit sum, 0 when n is 0.
fn u256_addmod(a: u256, b: u256, n: u256) -> u256 {
  let s = u256_add(a, b);
  let carry = select(0u, 1u, u256_cmp(s, a) < 0);
  return u256_divrem_wide(s, u256_from_u32(carry), n).rem;
}

// MULMOD: (a * b) mod n over the full 512-bit product, 0 when n is 0.
fn u256_mulmod(a: u256, b: u256, n: u256) -> u256 {
  if (u256_is_zero(n)) {
    return u256_zero();
  }
  let p = u256_mul_wide(a, b);
  return u256_divrem_wide(p.lo, p.hi, n).rem;
}

// EXP: base^exponent mod 2^256 by right-to-left square-and-multiply, stopping after
// the exponent's highest set bit so small exponents cost little.
fn u256_exp(base: u256, exponent: u256) -> u256 {
  var top = 0u;
  for (var i = 0u; i < 8u; i++) {
    if (exponent[i] != 0u) {
      top = i + 1u;
    }
  }
  var result = u256_one();
  var b = base;
  for (var i = 0u; i < top; i++) {
    var e = exponent[i];
    for (var k = 0u; k < 32u; k++) {
      if ((e & 1u) != 0u) {
        result = u256_mul(result, b);
      }
      e >>= 1u;
      if (i + 1u == top && e == 0u) {
        break;
      }
      b = u256_sqr(b);
    }
  }
  return result;
}

// SIGNEXTEND: extend the sign of byte b (0 = least significant) of x through the
// upper bytes; b >= 31 leaves x unchanged.
fn u256_signextend(b: u256, x: u256) -> u256 {
  if (!u256_fits_u32(b) || b[0] >= 31u) {
    return x;
  }
  let t = b[0] * 8u + 7u;
  let limb = t / 32u;
  let bit = t % 32u;
  let fill = select(0u, 0xffffffffu, ((x[limb] >> bit) & 1u) != 0u);
  // Bits 0..bit of the sign limb are kept; bit is 7, 15, 23 or 31.
  let keep = select((2u << bit) - 1u, 0xffffffffu, bit == 31u);
  var r: u256;
  for (var i = 0u; i < 8u; i++) {
    if (i < limb) {
      r[i] = x[i];
    } else if (i == limb) {
      r[i] = (x[i] & keep) | (fill & ~keep);
    } else {
      r[i] = fill;
    }
  }
  return r;
}
