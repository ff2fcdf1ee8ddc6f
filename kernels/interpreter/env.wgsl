//! requires: u256/core interpreter/frame interpreter/gas interpreter/stack interpreter/memory interpreter/state interpreter/access
// Environment opcodes 0x30-0x3f. Calls run at depth 0 with no sub-calls, so the return
// data buffer is always empty.

fn op_calldataload() {
  let pos = stack_peek(0u);
  var v = u256_zero();
  if (u256_fits_u32(pos) && pos[0] < data_len) {
    v = blob_load_word(data_at, data_len, pos[0]);
  }
  stack_set(0u, v);
}

// CALLDATACOPY and CODECOPY: copy gas and memory growth, then a zero-padded copy.
fn op_copy_blob(sg: u32, at: u32, len: u32) -> u32 {
  let dst = stack_peek(0u);
  let src = stack_peek(1u);
  let n = stack_peek(2u);
  let s = charge_copy(sg, dst, n);
  if (s != 0u) {
    return s;
  }
  sp -= 3u;
  if (!u256_is_zero(n)) {
    mem_copy_in(dst[0], SRC_BLOB, at, len, clamp_u32(src), n[0]);
  }
  return 0u;
}

// The cold surcharge over the warm static cost (EIP-2929: 2600 in all when cold).
fn cold_account_extra(access: u32) -> u32 {
  return select(0u, 2500u, access == ACCESS_COLD);
}

// BALANCE, EXTCODESIZE, EXTCODEHASH: one address in, one account field out.
fn op_account_query(op: u32, sg: u32) -> u32 {
  let a = to_address(stack_peek(0u));
  let access = access_account(a, true, true);
  if (access == ACCESS_FULL) {
    return OUTCOME_SCRATCH_EXHAUSTED;
  }
  if (!charge(u64(sg + cold_account_extra(access)))) {
    return OUTCOME_OUT_OF_GAS;
  }
  let index = account_find(a);
  var v = u256_zero();
  if (op == 0x31u) {
    v = account_u256(index, ACCOUNT_BALANCE);
  } else if (op == 0x3fu) {
    v = account_u256(index, ACCOUNT_EXT_HASH);
  } else if (index != NOT_FOUND) {
    v = u256_from_u32(account_word(index, ACCOUNT_CODE_LEN));
  }
  stack_set(0u, v);
  return 0u;
}

// EXTCODECOPY: account access, memory growth and copy gas charged together; the code
// is read only when something is copied.
fn op_extcodecopy(sg: u32) -> u32 {
  let a = to_address(stack_peek(0u));
  let dst = stack_peek(1u);
  let src = stack_peek(2u);
  let n = stack_peek(3u);
  let copying = !u256_is_zero(n);
  let access = access_account(a, true, copying);
  if (access == ACCESS_FULL) {
    return OUTCOME_SCRATCH_EXHAUSTED;
  }
  let s = charge_copy(sg + cold_account_extra(access), dst, n);
  if (s != 0u) {
    return s;
  }
  sp -= 4u;
  if (copying) {
    let index = account_find(a);
    var at = 0u;
    var len = 0u;
    if (index != NOT_FOUND) {
      at = account_word(index, ACCOUNT_CODE_AT);
      len = account_word(index, ACCOUNT_CODE_LEN);
    }
    mem_copy_in(dst[0], SRC_BLOB, at, len, clamp_u32(src), n[0]);
  }
  return 0u;
}

// RETURNDATACOPY: the return data is empty, so any nonzero offset or length is out of
// bounds, which the reference reports as running out of gas.
fn op_returndatacopy(sg: u32) -> u32 {
  let src = stack_peek(1u);
  let n = stack_peek(2u);
  if (!u256_is_zero(src) || !u256_is_zero(n)) {
    return OUTCOME_OUT_OF_GAS;
  }
  let s = charge_copy(sg, stack_peek(0u), n);
  if (s != 0u) {
    return s;
  }
  sp -= 3u;
  return 0u;
}

fn op_selfbalance() -> u32 {
  let a = to_address(call_u256(CALL_ADDRESS));
  if (access_account(a, false, true) == ACCESS_FULL) {
    return OUTCOME_SCRATCH_EXHAUSTED;
  }
  stack_push(account_u256(call_u32(CALL_ACCOUNT), ACCOUNT_BALANCE));
  return 0u;
}
