//! requires: u256/core
// EVM arithmetic opcodes without a multiplier or a divider: ADD, SUB, SIGNEXTEND.
// Arguments are in stack order: the first argument is the top of the stack (SUB a b =
// a - b, SIGNEXTEND b x). MUL, DIV, SDIV, MOD, SMOD, ADDMOD, MULMOD and EXP are the
// interpreter's (kernels/interpreter/arith.wgsl) over u256/mul and u256/divrem: it
// calls the multiplier and the divider from one site each, since lavapipe inlines
// every call and a function per opcode would be a copy of the divider per opcode.

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
