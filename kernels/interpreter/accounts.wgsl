//! requires: u256/all interpreter/frame interpreter/state
// The accounts a call touches, and the undo log that rolls a failing frame back.
//
// Each account the call reaches (BALANCE, EXT*, a call's target, a create's new
// account, a transfer's ends) gets one ACCT record in its output region: its snapshot
// entry, its EIP-2929 warmth, its current balance, nonce and deposited code, and what
// the end of the transaction must do with it (touched, created, destroyed). The
// records are at once the warm set, the account read set the conflict validator
// checks and the write set the host commits.
//
// State changes made inside a call frame (depth > 0) first save what they overwrite
// in the undo log (UNDO records in the scratch region); a frame that reverts or halts
// restores its records newest first (undo_to), which rolls back storage, transient
// storage, balances, nonces, code, warmth and the touched, created and destroyed
// marks exactly as @ethereumjs/evm's journal and state checkpoints do. Changes at
// depth 0 are never logged: a failing transaction frame keeps none of them anyway.

var<private> acct_count: u32;
var<private> undo_count: u32;
// Set when a capped region overflows mid-step: the call ends ScratchExhausted after
// the step (what the step did then no longer matters).
var<private> exhausted: bool;

fn warm_at_start(a: u256) -> bool {
  let at = call_u32(CALL_WARM_ADDRS_AT);
  let n = call_u32(CALL_WARM_ADDRS_COUNT);
  for (var i = 0u; i < n; i++) {
    if (equals_at(BUF_BLOB, at + i * 5u, a, 5u)) {
      return true;
    }
  }
  return false;
}

fn acct_at(i: u32) -> u32 {
  return accts_at + i * ACCT_WORDS;
}

// The record of account a, made on first touch from the call's view of the snapshot
// (its overrides, then the table), warm if the call's warm list names it; NOT_FOUND
// (and `exhausted`) when the record area is full.
fn acct_touch(a: u256) -> u32 {
  for (var i = 0u; i < acct_count; i++) {
    if (equals_at(BUF_OUT, acct_at(i) + ACCT_ADDRESS, a, 5u)) {
      return i;
    }
  }
  if (acct_count >= param(PARAMS_ACCOUNTS_CAP)) {
    exhausted = true;
    return NOT_FOUND;
  }
  let e = account_entry(a);
  let flags = select(0u, ACCT_WARM, warm_at_start(a));
  // Written word by word in one loop (no staging array: a private array indexed at
  // run time costs lavapipe a gather per access).
  let r = acct_at(acct_count);
  for (var k = 0u; k < ACCT_WORDS + opaque; k++) {
    var v = 0u;
    if (k < ACCT_NEED) {
      v = a[k];
    } else if (k < ACCT_ENTRY) {
      v = 0u;
    } else if (k == ACCT_ENTRY) {
      v = e;
    } else if (k == ACCT_FLAGS) {
      v = flags;
    } else if (k < ACCT_CODE_AT) {
      // Balance then nonce, adjacent in both layouts.
      v = entry_u32(e, ACCOUNT_BALANCE + k - ACCT_BALANCE);
    }
    out[r + k] = v;
  }
  acct_count += 1u;
  return acct_count - 1u;
}

fn acct_u32(i: u32, field: u32) -> u32 {
  return out[acct_at(i) + field];
}

fn acct_entry(i: u32) -> u32 {
  return acct_u32(i, ACCT_ENTRY);
}

fn acct_address(i: u32) -> u256 {
  return to_address(read_u256(BUF_OUT, acct_at(i) + ACCT_ADDRESS));
}

fn acct_balance(i: u32) -> u256 {
  return read_u256(BUF_OUT, acct_at(i) + ACCT_BALANCE);
}

fn acct_nonce(i: u32) -> vec2<u32> {
  return vec2<u32>(acct_u32(i, ACCT_NONCE), acct_u32(i, ACCT_NONCE + 1u));
}

fn acct_has(i: u32, flag: u32) -> bool {
  return (acct_u32(i, ACCT_FLAGS) & flag) != 0u;
}

// Marks a read of the account's snapshot state (never undone: the validator needs it).
fn acct_read(i: u32, flag: u32) {
  let at = acct_at(i) + ACCT_FLAGS;
  out[at] = out[at] | flag;
}

// A balance check of the account that passed: it had at least `value` then. Recorded
// as the least balance it must start with (ACCT_AT_LEAST, `need`): what the call moved
// since its start is the same whatever it starts with, so the check passes for any
// start balance at or above start - (balance now - value). A check that fails reads the
// balance (ACCT_READ), as BALANCE does.
fn acct_check_balance(i: u32, value: u256) {
  let r = acct_at(i);
  let spare = u256_sub(acct_balance(i), value);
  var start = u256_zero();
  let e = acct_entry(i);
  if (e != NOT_FOUND) {
    start = read_u256(BUF_STATE, e + ACCOUNT_BALANCE);
  }
  if (u256_gt(start, spare)) {
    let need = u256_sub(start, spare);
    if (u256_gt(need, read_u256(BUF_OUT, r + ACCT_NEED))) {
      write_out_u256(r + ACCT_NEED, need, 8u);
    }
  }
  acct_read(i, ACCT_SEEN | ACCT_AT_LEAST);
}

// The code a call of the account runs, as (buffer, byte offset, length), and its
// bitmap (buffer, word offset): deposited code is in the output region and has no
// bitmap yet (jd buffer NOT_FOUND: the frame's start analyses it).
struct CodeRef {
  buf: u32,
  base: u32,
  len: u32,
  jd_buf: u32,
  jd_at: u32,
}

fn acct_code(i: u32, run: bool) -> CodeRef {
  var c: CodeRef;
  if (acct_has(i, ACCT_CODE)) {
    c.buf = BUF_OUT;
    c.base = (out_at + acct_u32(i, ACCT_CODE_AT)) * 4u;
    c.len = acct_u32(i, ACCT_CODE_LEN);
    c.jd_buf = NOT_FOUND;
    return c;
  }
  let e = acct_entry(i);
  c.buf = BUF_BLOB;
  c.jd_buf = BUF_BLOB;
  if (acct_has(i, ACCT_CREATED)) {
    // Created here and not deposited yet (its init code is running): no code.
    return c;
  }
  c.base = entry_u32(e, select(ACCOUNT_CODE_AT, ACCOUNT_RUN_AT, run)) * 4u;
  c.len = entry_u32(e, select(ACCOUNT_CODE_LEN, ACCOUNT_RUN_LEN, run));
  c.jd_at = entry_u32(e, ACCOUNT_JUMPDESTS_AT);
  return c;
}

// EIP-161 emptiness: no nonce, no balance, no code.
fn acct_empty(i: u32) -> bool {
  let n = acct_nonce(i);
  return (n.x | n.y) == 0u && u256_is_zero(acct_balance(i)) && acct_code(i, true).len == 0u;
}

// Saves `n` words at `at` of the output region (or of the scratch region) before a
// change inside a call frame.
fn undo_save(buf: u32, at: u32, n: u32) {
  if (!KERNEL_FRAMES || depth == 0u) {
    return;
  }
  if (undo_count >= param(PARAMS_UNDO_CAP)) {
    exhausted = true;
    return;
  }
  let u = undo_at + undo_count * UNDO_WORDS;
  let scratch_ = buf == BUF_SCRATCH;
  scratch[u + UNDO_AT] = select(at, at | UNDO_SCRATCH, scratch_);
  scratch[u + UNDO_COUNT] = n;
  for (var k = 0u; k < n + opaque; k++) {
    var v: u32;
    if (scratch_) {
      v = scratch[at + k];
    } else {
      v = out[at + k];
    }
    scratch[u + UNDO_SAVED + k] = v;
  }
  undo_count += 1u;
}

// Restores the undo records from the newest down to `mark`.
fn undo_to(mark: u32) {
  loop {
    if (undo_count <= mark) {
      break;
    }
    undo_count -= 1u;
    let u = undo_at + undo_count * UNDO_WORDS;
    let at = scratch[u + UNDO_AT];
    let n = scratch[u + UNDO_COUNT];
    for (var k = 0u; k < n + opaque; k++) {
      let v = scratch[u + UNDO_SAVED + k];
      if ((at & UNDO_SCRATCH) != 0u) {
        scratch[(at & ~UNDO_SCRATCH) + k] = v;
      } else {
        // Output records (ACCT, JOURNAL) are saved from their flags word on. Their read
        // marks are never undone: the validator must see every read, even one made by a
        // frame that reverted (a failed value call's balance check, mainnet block
        // 12520364 tx 454). JOURNAL_READ and ACCT_READ are the same bit; no JOURNAL
        // flag uses ACCT_STORAGE_READ's, ACCT_SEEN's or ACCT_AT_LEAST's (whose `need`
        // sits before the flags, out of undo's reach).
        out[at + k] = select(v, v | (out[at] & (ACCT_READ | ACCT_STORAGE_READ | ACCT_SEEN | ACCT_AT_LEAST)), k == 0u);
      }
    }
  }
}

// The mutable part of an account record, changed through acct_store only.
struct AcctState {
  flags: u32,
  balance: u256,
  nonce: vec2<u32>,
  code_at: u32,
  code_len: u32,
}

fn acct_load(i: u32) -> AcctState {
  var s: AcctState;
  s.flags = acct_u32(i, ACCT_FLAGS);
  s.balance = acct_balance(i);
  s.nonce = acct_nonce(i);
  s.code_at = acct_u32(i, ACCT_CODE_AT);
  s.code_len = acct_u32(i, ACCT_CODE_LEN);
  return s;
}

fn acct_store(i: u32, s: AcctState) {
  let r = acct_at(i);
  undo_save(BUF_OUT, r + ACCT_FLAGS, UNDO_SAVED_WORDS);
  out[r + ACCT_FLAGS] = s.flags;
  write_out_u256(r + ACCT_BALANCE, s.balance, 8u);
  out[r + ACCT_NONCE] = s.nonce.x;
  out[r + ACCT_NONCE + 1u] = s.nonce.y;
  out[r + ACCT_CODE_AT] = s.code_at;
  out[r + ACCT_CODE_LEN] = s.code_len;
}

// Sets flags on the account (warm, touched, destroyed...): logged when they change.
// Only the flags word changes, so only it is saved (acct_load and acct_store here would
// cost compile time at every site for nothing).
fn acct_mark(i: u32, flags: u32) {
  let at = acct_at(i) + ACCT_FLAGS;
  let was = out[at];
  if ((was | flags) != was) {
    undo_save(BUF_OUT, at, 1u);
    out[at] = was | flags;
  }
}

const ACCESS_WARM = 0u;
const ACCESS_COLD = 1u;
const ACCESS_FULL = 2u;

// Touches account a for an opcode: warms it when `warm` (SELFBALANCE only reads),
// records the read mark `read` (0: none; ACCT_READ: its balance, nonce and code;
// ACCT_SEEN: its nonce, code and emptiness, not its balance). Says whether it was cold,
// or ACCESS_FULL when the record area is exhausted; `account_index` is its record.
var<private> account_index: u32;

fn access_account(a: u256, warm: bool, read: u32) -> u32 {
  account_index = acct_touch(a);
  if (account_index == NOT_FOUND) {
    return ACCESS_FULL;
  }
  let was = acct_has(account_index, ACCT_WARM);
  if (read != 0u) {
    acct_read(account_index, read);
  }
  if (warm && !was) {
    acct_mark(account_index, ACCT_WARM);
  }
  return select(ACCESS_COLD, ACCESS_WARM, was);
}
