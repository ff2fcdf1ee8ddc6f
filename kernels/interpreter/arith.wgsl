//! requires: u256/all interpreter/frame interpreter/gas interpreter/stack
// Arithmetic, comparison and bitwise opcodes (0x01-0x1d) over the u256 library. The
// step loop has charged static gas and checked the stack. Each heavy library routine
// has one call site here: lavapipe inlines every call, so a second call site would be
// a second copy of the divider in the compiled kernel.

// DIV SDIV MOD SMOD ADDMOD MULMOD through one division of a 512-bit dividend.
fn arith_divmod(op: u32, a: u256, b: u256, c: u256) -> u256 {
  var lo = a;
  var hi = u256_zero();
  var d = b;
  let signed = op == 0x05u || op == 0x07u;
  if (signed) {
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
  switch op {
    case 0x04u: { return qr.quot; }
    case 0x05u: {
      if (u256_is_neg(a) != u256_is_neg(b)) {
        return u256_neg(qr.quot);
      }
      return qr.quot;
    }
    case 0x07u: {
      if (u256_is_neg(a)) {
        return u256_neg(qr.rem);
      }
      return qr.rem;
    }
    default: { return qr.rem; }
  }
}

// The pure opcodes with static gas only; EXP is separate for its per-byte gas.
fn op_arith(op: u32) {
  let unary = op == 0x15u || op == 0x19u;
  let a = stack_peek(0u);
  var b = u256_zero();
  if (!unary) {
    b = stack_peek(1u);
  }
  var r: u256;
  switch op {
    case 0x01u: { r = u256_add(a, b); }
    case 0x02u: { r = u256_mul(a, b); }
    case 0x03u: { r = u256_sub(a, b); }
    case 0x04u, 0x05u, 0x06u, 0x07u: { r = arith_divmod(op, a, b, b); }
    case 0x08u, 0x09u: { r = arith_divmod(op, a, b, stack_peek(2u)); }
    case 0x0bu: { r = u256_signextend(a, b); }
    case 0x10u: { r = u256_from_bool(u256_lt(a, b)); }
    case 0x11u: { r = u256_from_bool(u256_gt(a, b)); }
    case 0x12u: { r = u256_from_bool(u256_slt(a, b)); }
    case 0x13u: { r = u256_from_bool(u256_sgt(a, b)); }
    case 0x14u: { r = u256_from_bool(u256_eq(a, b)); }
    case 0x15u: { r = u256_from_bool(u256_iszero(a)); }
    case 0x16u: { r = u256_and(a, b); }
    case 0x17u: { r = u256_or(a, b); }
    case 0x18u: { r = u256_xor(a, b); }
    case 0x19u: { r = u256_not(a); }
    case 0x1au: { r = u256_byte(a, b); }
    case 0x1bu: { r = u256_shl(a, b); }
    case 0x1cu: { r = u256_shr(a, b); }
    default: { r = u256_sar(a, b); }
  }
  let pops = select(2u, 1u, unary);
  stack_replace(select(pops, 3u, op == 0x08u || op == 0x09u), r);
}

// Significant bytes of a word: EXP charges 50 gas per byte of the exponent.
fn byte_length(v: u256) -> u32 {
  for (var i = 7; i >= 0; i--) {
    let limb = v[u32(i)];
    if (limb != 0u) {
      return u32(i) * 4u + (32u - countLeadingZeros(limb) + 7u) / 8u;
    }
  }
  return 0u;
}

fn op_exp(sg: u32) -> u32 {
  let base = stack_peek(0u);
  let exponent = stack_peek(1u);
  if (!charge(u64(sg + 50u * byte_length(exponent)))) {
    return OUTCOME_OUT_OF_GAS;
  }
  stack_replace(2u, u256_exp(base, exponent));
  return 0u;
}
