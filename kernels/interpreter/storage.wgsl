//! requires: u256/all interpreter/frame interpreter/gas interpreter/state interpreter/accounts
// SLOAD and SSTORE, and transient storage (EIP-1153), of the executing account.
//
// The call's storage journal lives in its output region: one JOURNAL record per
// (account, slot) it touched, holding the value first read from the snapshot (the
// original value: the snapshot, with the call's overrides and slot overrides, is the
// transaction's start state) and the current value. It is at once the warm-slot set, the write set and the
// read set. A slot the call never touched is warm only if the call's warm-slot list
// (the access list) names it. Changes inside a call frame are logged for undo
// (interpreter/accounts).

var<private> journal_count: u32;
var<private> transient_count: u32;

fn journal_record(i: u32) -> u32 {
  return out_at + param(PARAMS_OUT_JOURNAL) + i * JOURNAL_WORDS;
}

// The record of (a, key) among n records of `words` words from blob word `at` that
// start with an address and a key (WARM_SLOT, SLOT_OVERRIDE: same offsets), else NOT_FOUND.
fn slot_record(at: u32, n: u32, words: u32, a: u256, key: u256) -> u32 {
  for (var i = 0u; i < n; i++) {
    let r = at + i * words;
    if (equals_at(BUF_BLOB, r + WARM_SLOT_ADDRESS, a, 5u) && equals_at(BUF_BLOB, r + WARM_SLOT_KEY, key, 8u)) {
      return r;
    }
  }
  return NOT_FOUND;
}

fn slot_warm_at_start(a: u256, key: u256) -> bool {
  return slot_record(call_u32(CALL_WARM_SLOTS_AT), call_u32(CALL_WARM_SLOTS_COUNT), WARM_SLOT_WORDS, a, key) != NOT_FOUND;
}

// The journal record of the executing account's slot `key`, created on first touch
// with the snapshot value and the slot's warmth at the start; NOT_FOUND (and
// `exhausted`) when the journal is full.
fn journal_touch(key: u256) -> u32 {
  for (var i = 0u; i < journal_count; i++) {
    let r = journal_record(i);
    if (out[r + JOURNAL_ACCOUNT] == self_acct && equals_at(BUF_OUT, r + JOURNAL_KEY, key, 8u)) {
      return r;
    }
  }
  if (journal_count >= param(PARAMS_JOURNAL_CAP)) {
    exhausted = true;
    return NOT_FOUND;
  }
  let r = journal_record(journal_count);
  journal_count += 1u;
  write_out_u256(r + JOURNAL_KEY, key, 8u);
  // A slot override is the start value: a chained rerun starts from the value its
  // predecessor in the chain is predicted to write, which the snapshot cannot hold for
  // every link at once.
  var original = u256_zero();
  let over = slot_record(call_u32(CALL_SLOT_OVERRIDES_AT), call_u32(CALL_SLOT_OVERRIDES_COUNT), SLOT_OVERRIDE_WORDS, acct_address(self_acct), key);
  if (over != NOT_FOUND) {
    original = read_u256(BUF_BLOB, over + SLOT_OVERRIDE_VALUE);
  } else {
    let at = slot_find(entry_u32(acct_entry(self_acct), ACCOUNT_SLOT_TAG), key);
    if (at != NOT_FOUND) {
      original = read_u256(BUF_STATE, at);
    }
  }
  write_out_u256(r + JOURNAL_ORIGINAL, original, 8u);
  write_out_u256(r + JOURNAL_CURRENT, original, 8u);
  out[r + JOURNAL_ACCOUNT] = self_acct;
  out[r + JOURNAL_FLAGS] = JOURNAL_READ | select(0u, JOURNAL_WARM, slot_warm_at_start(acct_address(self_acct), key));
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

// Transient storage: TRANSIENT records of (account, key) in the scratch region, found
// by linear scan. A key is never removed; a frame's failure restores its old value.
fn transient_record(i: u32) -> u32 {
  return transient_at + i * TRANSIENT_WORDS;
}

fn transient_find(key: u256) -> u32 {
  for (var i = 0u; i < transient_count; i++) {
    let r = transient_record(i);
    var same = scratch[r + TRANSIENT_ACCOUNT] == self_acct;
    var w = key;
    for (var k = 0u; k < 8u + opaque; k++) {
      same = same && scratch[r + TRANSIENT_KEY + k] == w[0];
      w = shift_down(w, 0u);
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
    v = read_u256(BUF_SCRATCH, r + TRANSIENT_VALUE);
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
    scratch[r + TRANSIENT_ACCOUNT] = self_acct;
    write_scratch_u256(r + TRANSIENT_KEY, key, 8u);
    write_scratch_u256(r + TRANSIENT_VALUE, u256_zero(), 8u);
  }
  undo_save(BUF_SCRATCH, r + TRANSIENT_VALUE, 8u);
  write_scratch_u256(r + TRANSIENT_VALUE, value, 8u);
  return true;
}
