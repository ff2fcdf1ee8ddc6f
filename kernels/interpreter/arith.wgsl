//! requires: u256/all interpreter/frame
// Arithmetic, comparison and bitwise opcodes (0x01-0x1d) over the u256 library. Each
// heavy library routine has one call site: lavapipe inlines every call, so a second call
// site would be a second copy of the divider or the multiplier in the compiled kernel.

// DIV SDIV MOD SMOD ADDMOD MULMOD through one division of a 512-bit dividend.
fn arith_divmod(op: u32, a: u256, b: u256, c: u256) -> u256 {
  var lo = a;
  var hi = u256_zero();
  var d = b;
  if (op == 0x05u || op == 0x07u) {
    lo = u256_abs(a);
    d = u256_abs(b);
  }
  if (op == 0x08u) {
    lo = u256_add(a, b);
    hi = u256_from_u32(select(0u, 1u, u256_cmp(lo, a) < 0));
    d = c;
  } else if (op == 0x09u) {
    let p = u256_mul_wide(a, b);
    lo = p.lo;
    hi = p.hi;
    d = c;
  }
  let qr = u256_divrem_wide(lo, hi, d);
  var r = qr.rem;
  if (op == 0x04u || op == 0x05u) {
    r = qr.quot;
  }
  // SDIV: negative when the signs differ; SMOD: the dividend's sign.
  let negate = (op == 0x05u && u256_is_neg(a) != u256_is_neg(b)) || (op == 0x07u && u256_is_neg(a));
  if (negate) {
    r = u256_neg(r);
  }
  return r;
}

// MUL and EXP share one multiplier. EXP is square-and-multiply from the low exponent
// bit, one product per round; MUL is the same loop with acc = b, base = a, exponent 1.
fn arith_mul_exp(op: u32, a: u256, b: u256) -> u256 {
  let is_exp = op == 0x0au;
  var acc = b;
  var e = u256_one();
  if (is_exp) {
    acc = u256_one();
    e = b;
  }
  var base = a;
  let top = bit_length(e);
  var i = 0u;
  var squaring = false;
  loop {
    if (i >= top) {
      break;
    }
    if (!squaring && ((e[i >> 5u] >> (i & 31u)) & 1u) == 0u) {
      squaring = true;
    }
    if (squaring && i + 1u >= top) {
      break;
    }
    var x = acc;
    if (squaring) {
      x = base;
    }
    let t = u256_mul(x, base);
    if (squaring) {
      base = t;
      i += 1u;
      squaring = false;
    } else {
      acc = t;
      squaring = true;
    }
  }
  return acc;
}

// Significant bits of a word.
fn bit_length(v: u256) -> u32 {
  var n = 0u;
  for (var i = 0u; i < 8u; i++) {
    if (v[i] != 0u) {
      n = i * 32u + 32u - countLeadingZeros(v[i]);
    }
  }
  return n;
}

// The pure opcodes; a, b, c are the operands in stack order.
fn arith(op: u32, a: u256, b: u256, c: u256) -> u256 {
  switch op {
    case 0x02u, 0x0au: { return arith_mul_exp(op, a, b); }
    case 0x04u, 0x05u, 0x06u, 0x07u, 0x08u, 0x09u: { return arith_divmod(op, a, b, c); }
    default: { return arith_light(op, a, b); }
  }
}

// The pure opcodes without a multiplier or a divider: ADD, SUB, SIGNEXTEND and
// 0x10-0x1d. Compiled programs run these inline (kernels/compiled/fast.wgsl), so they
// are a function of their own: a second site of arith() would copy the divider.
fn arith_light(op: u32, a: u256, b: u256) -> u256 {
  switch op {
    case 0x01u: { return u256_add(a, b); }
    case 0x03u: { return u256_sub(a, b); }
    case 0x0bu: { return u256_signextend(a, b); }
    case 0x10u: { return u256_from_bool(u256_lt(a, b)); }
    case 0x11u: { return u256_from_bool(u256_gt(a, b)); }
    case 0x12u: { return u256_from_bool(u256_slt(a, b)); }
    case 0x13u: { return u256_from_bool(u256_sgt(a, b)); }
    case 0x14u: { return u256_from_bool(u256_eq(a, b)); }
    case 0x15u: { return u256_from_bool(u256_iszero(a)); }
    case 0x16u: { return u256_and(a, b); }
    case 0x17u: { return u256_or(a, b); }
    case 0x18u: { return u256_xor(a, b); }
    case 0x19u: { return u256_not(a); }
    case 0x1au: { return u256_byte(a, b); }
    case 0x1bu: { return u256_shl(a, b); }
    default: {
      // SHR, and SAR as ~(~value >> shift) for a negative value: one shifter for both.
      let flip = op == 0x1du && u256_is_neg(b);
      var v = b;
      if (flip) {
        v = u256_not(b);
      }
      var r = u256_shr(a, v);
      if (flip) {
        r = u256_not(r);
      }
      return r;
    }
  }
}

// Bytes of the exponent: EXP charges 50 gas for each.
fn exp_byte_gas(exponent: u256) -> u32 {
  return 50u * ((bit_length(exponent) + 7u) / 8u);
}
