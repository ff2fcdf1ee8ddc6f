//! requires: u256/all
// Arithmetic, comparison and bitwise opcodes (ADD..SAR) over the u256 library
// (test/gpu/u256.test.ts runs arith() against the reference on its own). Each
// heavy library routine has one call site: lavapipe inlines every call, so a second call
// site would be a second copy of the divider or the multiplier in the compiled kernel.

// DIV SDIV MOD SMOD ADDMOD MULMOD through one division of a 512-bit dividend.
fn arith_divmod(op: u32, a: u256, b: u256, c: u256) -> u256 {
  var lo = a;
  var hi = u256_zero();
  var d = b;
  if (op == OP_SDIV || op == OP_SMOD) {
    lo = u256_abs(a);
    d = u256_abs(b);
  }
  if (op == OP_ADDMOD) {
    lo = u256_add(a, b);
    hi = u256_from_u32(select(0u, 1u, u256_cmp(lo, a) < 0));
    d = c;
  } else if (op == OP_MULMOD) {
    let p = u256_mul_wide(a, b);
    lo = p.lo;
    hi = p.hi;
    d = c;
  }
  let qr = u256_divrem_wide(lo, hi, d);
  var r = qr.rem;
  if (op == OP_DIV || op == OP_SDIV) {
    r = qr.quot;
  }
  // SDIV: negative when the signs differ; SMOD: the dividend's sign.
  let negate = (op == OP_SDIV && u256_is_neg(a) != u256_is_neg(b)) || (op == OP_SMOD && u256_is_neg(a));
  if (negate) {
    r = u256_neg(r);
  }
  return r;
}

// MUL and EXP share one multiplier. EXP is square-and-multiply from the low exponent
// bit, one product per round; MUL is the same loop with acc = b, base = a, exponent 1.
fn arith_mul_exp(op: u32, a: u256, b: u256) -> u256 {
  let is_exp = op == OP_EXP;
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
    case OP_MUL, OP_EXP: { return arith_mul_exp(op, a, b); }
    case OP_DIV, OP_SDIV, OP_MOD, OP_SMOD, OP_ADDMOD, OP_MULMOD: { return arith_divmod(op, a, b, c); }
    default: { return arith_light(op, a, b); }
  }
}

// The pure opcodes without a multiplier or a divider: those the opcode table marks
// `inline: 'arith'` (ADD, SUB, SIGNEXTEND, LT..SAR; test/compiler/inline-ops.test.ts
// checks these cases against it). Compiled programs run these inline
// (kernels/compiled/fragment.wgsl), so they are a function of their own: a second site
// of arith() would copy the divider.
fn arith_light(op: u32, a: u256, b: u256) -> u256 {
  // Three switches of at most seven labels, not one of eighteen: lavapipe tests a
  // switch's labels one after another (interpreter/step: execute).
  if (op < OP_LT) {
    switch op {
      case OP_ADD: { return u256_add(a, b); }
      case OP_SUB: { return u256_sub(a, b); }
      case OP_SIGNEXTEND, default: { return u256_signextend(a, b); }
    }
  }
  if (op < OP_AND) {
    switch op {
      case OP_LT: { return u256_from_bool(u256_lt(a, b)); }
      case OP_GT: { return u256_from_bool(u256_gt(a, b)); }
      case OP_SLT: { return u256_from_bool(u256_slt(a, b)); }
      case OP_SGT: { return u256_from_bool(u256_sgt(a, b)); }
      case OP_EQ: { return u256_from_bool(u256_eq(a, b)); }
      case OP_ISZERO, default: { return u256_from_bool(u256_iszero(a)); }
    }
  }
  switch op {
    case OP_AND: { return u256_and(a, b); }
    case OP_OR: { return u256_or(a, b); }
    case OP_XOR: { return u256_xor(a, b); }
    case OP_NOT: { return u256_not(a); }
    case OP_BYTE: { return u256_byte(a, b); }
    case OP_SHL: { return u256_shl(a, b); }
    case OP_SHR, OP_SAR, default: {
      // SHR, and SAR as ~(~value >> shift) for a negative value: one shifter for both.
      let flip = op == OP_SAR && u256_is_neg(b);
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

// Bytes of the exponent: EXP charges GAS_EXP_BYTE for each.
fn exp_byte_gas(exponent: u256) -> u32 {
  return GAS_EXP_BYTE * ((bit_length(exponent) + 7u) / 8u);
}
