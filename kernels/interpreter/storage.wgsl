//! requires: u256/all interpreter/frame interpreter/gas interpreter/state
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

fn slot_warm_at_start(key: u256) -> bool {
  let at = call_u32(CALL_WARM_SLOTS_AT);
  let n = call_u32(CALL_WARM_SLOTS_COUNT);
  for (var i = 0u; i < n; i++) {
    if (equals_at(BUF_BLOB, at + i * 8u, key, 8u)) {
      return true;
    }
  }
  return false;
}

// The journal record for key, created on first touch with the snapshot value and the
// slot's warmth at frame start; NOT_FOUND when the journal is full.
fn journal_touch(key: u256) -> u32 {
  for (var i = 0u; i < journal_count; i++) {
    if (equals_at(BUF_OUT, journal_record(i) + JOURNAL_KEY, key, 8u)) {
      return journal_record(i);
    }
  }
  if (journal_count >= param(PARAMS_JOURNAL_CAP)) {
    return NOT_FOUND;
  }
  let r = journal_record(journal_count);
  journal_count += 1u;
  write_out_u256(r + JOURNAL_KEY, key, 8u);
  let at = slot_find(call_u32(CALL_ACCOUNT), key);
  var original = u256_zero();
  if (at != NOT_FOUND) {
    original = read_u256(BUF_STATE, at);
  }
  write_out_u256(r + JOURNAL_ORIGINAL, original, 8u);
  write_out_u256(r + JOURNAL_CURRENT, original, 8u);
  out[r + JOURNAL_FLAGS] = JOURNAL_READ | select(0u, JOURNAL_WARM, slot_warm_at_start(key));
  return r;
}

// SSTORE's gas beyond the opcode's static part, and its refund change, from EIP-2200
// net metering with EIP-2929 costs and EIP-3529 refunds (the clear refund depends on
// the fork: the row of GAS_SSTORE_CLEAR_REFUND_BY_FORK), as the reference computes
// them. EIP-2929 prices a no-op on a warm slot as a warm read, the same as
// GAS_SSTORE_NOOP.
struct SstoreCost {
  gas: u32,
  add: u32,
  sub: u32,
}

fn sstore_cost(original: u256, current: u256, value: u256, warm: bool) -> SstoreCost {
  let clear = GAS_SSTORE_CLEAR_REFUND_BY_FORK[param(PARAMS_FORK_ROW)];
  var c: SstoreCost;
  c.gas = GAS_SSTORE_DIRTY;
  if (u256_eq(current, value)) {
    c.gas = select(GAS_SSTORE_NOOP, GAS_WARM_STORAGE_READ, warm);
  } else if (u256_eq(original, current)) {
    if (u256_is_zero(original)) {
      c.gas = GAS_SSTORE_INIT;
    } else {
      c.gas = GAS_SSTORE_CLEAN;
      if (u256_is_zero(value)) {
        c.add = clear;
      }
    }
  } else {
    if (!u256_is_zero(original)) {
      if (u256_is_zero(current)) {
        c.sub = clear;
      } else if (u256_is_zero(value)) {
        c.add = clear;
      }
    }
    if (u256_eq(original, value)) {
      // The reference prices the resets by warmth (EIP-2929); a dirty slot is always
      // warm here.
      if (u256_is_zero(original)) {
        c.add += select(GAS_SSTORE_INIT_REFUND, GAS_SSTORE_INIT - GAS_WARM_STORAGE_READ, warm);
      } else {
        c.add += select(GAS_SSTORE_CLEAN_REFUND, GAS_SSTORE_RESET - GAS_COLD_SLOAD - GAS_WARM_STORAGE_READ, warm);
      }
    }
  }
  if (!warm) {
    c.gas += GAS_COLD_SLOAD;
  }
  return c;
}

// Transient storage: TRANSIENT records in the scratch region, found by linear scan.
fn transient_record(i: u32) -> u32 {
  return transient_at + i * TRANSIENT_WORDS;
}

fn transient_find(key: u256) -> u32 {
  for (var i = 0u; i < transient_count; i++) {
    let r = transient_record(i);
    var same = true;
    for (var k = 0u; k < 8u + opaque; k++) {
      same = same && scratch[r + TRANSIENT_KEY + k] == key[k];
    }
    if (same) {
      return r;
    }
  }
  return NOT_FOUND;
}

fn transient_load(key: u256) -> u256 {
  let r = transient_find(key);
  var v = u256_zero();
  if (r != NOT_FOUND) {
    for (var k = 0u; k < 8u + opaque; k++) {
      v[k] = scratch[r + TRANSIENT_VALUE + k];
    }
  }
  return v;
}

// False when a new key finds the area full.
fn transient_store(key: u256, value: u256) -> bool {
  var r = transient_find(key);
  if (r == NOT_FOUND) {
    if (transient_count >= param(PARAMS_TRANSIENT_CAP)) {
      return false;
    }
    r = transient_record(transient_count);
    transient_count += 1u;
  }
  for (var k = 0u; k < 8u + opaque; k++) {
    scratch[r + TRANSIENT_KEY + k] = key[k];
    scratch[r + TRANSIENT_VALUE + k] = value[k];
  }
  return true;
}
