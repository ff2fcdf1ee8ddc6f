//! requires: u256/core
// EVM comparison opcodes 0x10-0x15, returning bool; kernels push u256_from_bool.
// Arguments are in stack order: LT a b is a < b with a the top of the stack.

fn u256_lt(a: u256, b: u256) -> bool {
  return u256_cmp(a, b) < 0;
}

fn u256_gt(a: u256, b: u256) -> bool {
  return u256_cmp(a, b) > 0;
}

// Signed: when the signs differ the negative one is smaller; otherwise two's
// complement order matches unsigned order.
fn u256_slt(a: u256, b: u256) -> bool {
  let na = u256_is_neg(a);
  if (na != u256_is_neg(b)) {
    return na;
  }
  return u256_cmp(a, b) < 0;
}

fn u256_sgt(a: u256, b: u256) -> bool {
  return u256_slt(b, a);
}

fn u256_eq(a: u256, b: u256) -> bool {
  var diff = 0u;
  for (var i = 0u; i < 8u; i++) {
    diff |= a[i] ^ b[i];
  }
  return diff == 0u;
}

fn u256_iszero(a: u256) -> bool {
  return u256_is_zero(a);
}
