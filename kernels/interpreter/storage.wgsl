//! requires: u256/all interpreter/frame interpreter/gas interpreter/stack interpreter/state
// SLOAD and SSTORE of the executing account, and transient storage (EIP-1153).
//
// The call's storage journal lives in its output region: one JOURNAL record per slot it
// touched, holding the value first read from the snapshot (the original value: calls
// run at depth 0, so the snapshot is the transaction's start state) and the last value
// stored. It is at once the warm-slot set, the write set and the read set. A slot the
// call never touched is warm only if the call's warm-slot list (the access list)
// names it.

var<private> journal_count: u32;
var<private> transient_count: u32;

fn journal_record(i: u32) -> u32 {
  return out_at + param(PARAMS_OUT_JOURNAL) + i * JOURNAL_WORDS;
}

fn out_u256(at: u32) -> u256 {
  var r: u256;
  for (var k = 0u; k < 8u; k++) {
    r[k] = out[at + k];
  }
  return r;
}

fn out_set_u256(at: u32, v: u256) {
  for (var k = 0u; k < 8u; k++) {
    out[at + k] = v[k];
  }
}

fn slot_warm_at_start(key: u256) -> bool {
  let at = call_u32(CALL_WARM_SLOTS_AT);
  let n = call_u32(CALL_WARM_SLOTS_COUNT);
  for (var i = 0u; i < n; i++) {
    if (u256_eq(blob_u256(at + i * 8u), key)) {
      return true;
    }
  }
  return false;
}

// The journal record for key, created (with the snapshot value read, and the slot's
// warmth at frame start) on first touch; NOT_FOUND when the journal is full.
fn journal_touch(key: u256) -> u32 {
  for (var i = 0u; i < journal_count; i++) {
    let r = journal_record(i);
    if (u256_eq(out_u256(r + JOURNAL_KEY), key)) {
      return r;
    }
  }
  if (journal_count >= param(PARAMS_JOURNAL_CAP)) {
    return NOT_FOUND;
  }
  let r = journal_record(journal_count);
  journal_count += 1u;
  out_set_u256(r + JOURNAL_KEY, key);
  out_set_u256(r + JOURNAL_ORIGINAL, slot_value(call_u32(CALL_ACCOUNT), key));
  out[r + JOURNAL_FLAGS] = JOURNAL_READ | select(0u, JOURNAL_WARM, slot_warm_at_start(key));
  return r;
}

fn journal_current(r: u32) -> u256 {
  if ((out[r + JOURNAL_FLAGS] & JOURNAL_WRITTEN) != 0u) {
    return out_u256(r + JOURNAL_CURRENT);
  }
  return out_u256(r + JOURNAL_ORIGINAL);
}

// SLOAD: the opcode table's static gas is the warm cost (EIP-2929); a cold slot costs
// 2000 more (2100 in all).
fn op_sload(sg: u32) -> u32 {
  let key = stack_peek(0u);
  let r = journal_touch(key);
  if (r == NOT_FOUND) {
    return OUTCOME_SCRATCH_EXHAUSTED;
  }
  let flags = out[r + JOURNAL_FLAGS];
  let cold = (flags & JOURNAL_WARM) == 0u;
  if (!charge(u64(sg + select(0u, 2000u, cold)))) {
    return OUTCOME_OUT_OF_GAS;
  }
  out[r + JOURNAL_FLAGS] = flags | JOURNAL_WARM;
  stack_set(0u, journal_current(r));
  return 0u;
}

fn refund_add(v: u32) {
  refund = u64_add(refund, u64(v));
}

fn refund_sub(v: u32) {
  refund = u64_sub(refund, u64(v));
}

// SSTORE: EIP-2200 net metering with EIP-2929 costs and EIP-3529 refunds (the clear
// refund comes from the fork: PARAMS_SSTORE_CLEAR_REFUND), as the reference computes
// it. The 2300-gas sentry is checked against the gas left before anything is charged.
fn op_sstore(sg: u32) -> u32 {
  if (!u64_lt(u64(2300u), gas)) {
    return OUTCOME_OUT_OF_GAS;
  }
  let key = stack_peek(0u);
  let value = stack_peek(1u);
  let r = journal_touch(key);
  if (r == NOT_FOUND) {
    return OUTCOME_SCRATCH_EXHAUSTED;
  }
  let flags = out[r + JOURNAL_FLAGS];
  let warm = (flags & JOURNAL_WARM) != 0u;
  let original = out_u256(r + JOURNAL_ORIGINAL);
  let current = journal_current(r);
  let clear = param(PARAMS_SSTORE_CLEAR_REFUND);
  var cost = 100u;
  var add = 0u;
  var sub = 0u;
  if (u256_eq(current, value)) {
    cost = 100u;
  } else if (u256_eq(original, current)) {
    if (u256_is_zero(original)) {
      cost = 20000u;
    } else {
      cost = 2900u;
      if (u256_is_zero(value)) {
        add = clear;
      }
    }
  } else {
    if (!u256_is_zero(original)) {
      if (u256_is_zero(current)) {
        sub = clear;
      } else if (u256_is_zero(value)) {
        add = clear;
      }
    }
    if (u256_eq(original, value)) {
      if (u256_is_zero(original)) {
        add += 19900u;
      } else {
        // The reference prices the reset by warmth; a dirty slot is always warm here.
        add += select(4900u, 2800u, warm);
      }
    }
  }
  if (!charge(u64(sg + cost + select(2100u, 0u, warm)))) {
    return OUTCOME_OUT_OF_GAS;
  }
  refund_add(add);
  refund_sub(sub);
  out_set_u256(r + JOURNAL_CURRENT, value);
  out[r + JOURNAL_FLAGS] = flags | JOURNAL_WARM | JOURNAL_WRITTEN;
  sp -= 2u;
  return 0u;
}

// Transient storage: TRANSIENT records in the scratch region, found by linear scan.
fn transient_record(i: u32) -> u32 {
  return transient_at + i * TRANSIENT_WORDS;
}

fn transient_find(key: u256) -> u32 {
  for (var i = 0u; i < transient_count; i++) {
    let r = transient_record(i);
    var same = true;
    for (var k = 0u; k < 8u; k++) {
      same = same && scratch[r + TRANSIENT_KEY + k] == key[k];
    }
    if (same) {
      return r;
    }
  }
  return NOT_FOUND;
}

fn op_tload() {
  let r = transient_find(stack_peek(0u));
  var v = u256_zero();
  if (r != NOT_FOUND) {
    for (var k = 0u; k < 8u; k++) {
      v[k] = scratch[r + TRANSIENT_VALUE + k];
    }
  }
  stack_set(0u, v);
}

fn op_tstore() -> u32 {
  let key = stack_peek(0u);
  let value = stack_peek(1u);
  var r = transient_find(key);
  if (r == NOT_FOUND) {
    if (transient_count >= param(PARAMS_TRANSIENT_CAP)) {
      return OUTCOME_SCRATCH_EXHAUSTED;
    }
    r = transient_record(transient_count);
    transient_count += 1u;
    for (var k = 0u; k < 8u; k++) {
      scratch[r + TRANSIENT_KEY + k] = key[k];
    }
  }
  for (var k = 0u; k < 8u; k++) {
    scratch[r + TRANSIENT_VALUE + k] = value[k];
  }
  sp -= 2u;
  return 0u;
}
