//! requires: u256/all interpreter/frame interpreter/gas interpreter/stack interpreter/memory
//! requires: interpreter/state interpreter/accounts interpreter/env interpreter/frames interpreter/sha256
// CALL, CALLCODE, DELEGATECALL and STATICCALL: their account work and gas, then the
// callee's frame (interpreter/frames), whose end gives the caller its result, gas and
// return data. Every rule follows @ethereumjs/evm (opcodes/gas.ts, interpreter.ts,
// evm.ts): the same gas, the same order of checks, the same state changes, made and
// rolled back in the same frames.

// The records the gas phase of a call-family step chose: the account called (its
// address, for CALL and STATICCALL the callee), and the one whose code runs (it, or its
// EIP-7702 delegate).
var<private> call_target: u32;
var<private> call_code_acct: u32;
fn is_call_op(op: u32) -> bool {
  return KERNEL_FRAMES && (op == OP_CALL || op == OP_CALLCODE || op == OP_DELEGATECALL || op == OP_STATICCALL);
}

fn is_create_op(op: u32) -> bool {
  return KERNEL_FRAMES && (op == OP_CREATE || op == OP_CREATE2);
}

// Whether a call moves value: CALL and CALLCODE with a nonzero value operand.
fn moves_value(op: u32) -> bool {
  return (op == OP_CALL || op == OP_CALLCODE) && !u256_is_zero(arg[2]);
}

// The operands of a call's input and output ranges: CALL and CALLCODE have a value
// operand before them, DELEGATECALL and STATICCALL do not.
fn call_arg(op: u32, k: u32) -> u256 {
  return pick(arg[k + 2u], arg[k + 3u], op == OP_CALL || op == OP_CALLCODE);
}

// The account and access work of BALANCE, EXTCODESIZE, EXTCODECOPY, EXTCODEHASH,
// SELFBALANCE, the call family, CREATE, CREATE2 and SELFDESTRUCT before their charge:
// returns the gas beyond the static part (memory and per-word gas are
// charge_dynamic's), or sets `access_fail`.
//
// Every account these opcodes reach (the one named, then a call's EIP-7702 delegate) is
// accessed in one loop, so access_account() has one site in the kernel: lavapipe
// inlines every call of a function, and its record search and snapshot lookup are the
// most costly code to compile.
var<private> access_fail: u32;

fn account_op_gas(op: u32) -> u32 {
  let frame_op = is_frame_op(op);
  // The other state-changing opcodes fail in a static frame before this (step()).
  if (op == OP_CALL && moves_value(op) && (frame_flags & FRAME_STATIC) != 0u) {
    access_fail = OUTCOME_STATIC_STATE_CHANGE;
    return 0u;
  }
  if (is_create_op(op)) {
    // The creator is warm already; init code words are charge_dynamic's.
    return 0u;
  }
  // SELFBALANCE reads its own account, which is warm, without warming it.
  let self_ = op == OP_SELFBALANCE;
  var who = to_address(pick(arg[0], arg[1], is_call_op(op)));
  if (self_) {
    who = acct_address(self_acct);
  }
  // BALANCE and SELFBALANCE read the balance. A call, a self-destruct's beneficiary and
  // EXT* see the code and whether the account is empty, not the balance: credits to an
  // account nothing reads the balance of are settled as deltas (src/speculation/settle.ts).
  let seen = select(ACCT_SEEN, 0u, op == OP_EXTCODECOPY && u256_is_zero(arg[3]));
  let read = select(seen, ACCT_READ, op == OP_BALANCE || op == OP_SELFBALANCE);
  var extra = 0u;
  for (var round = 0u; round < 2u + opaque; round++) {
    let access = access_account(who, !self_, read);
    let cold = access == ACCESS_COLD;
    if (!frame_op) {
      return select(0u, COLD_ACCOUNT_EXTRA, cold && !self_);
    }
    if (round == 1u) {
      // The delegate: a warm or a cold access.
      if (access == ACCESS_FULL) {
        return 0u;
      }
      call_code_acct = account_index;
      return extra + select(GAS_WARM_STORAGE_READ, GAS_COLD_ACCOUNT_ACCESS, cold);
    }
    let callee = account_index;
    call_target = callee;
    call_code_acct = callee;
    if (access == ACCESS_FULL) {
      return 0u;
    }
    // Whether the callee is empty matters to a self-destruct that sends a balance and
    // to a CALL that sends value (EIP-161).
    let sends = select(moves_value(op) && op == OP_CALL, !u256_is_zero(acct_balance(self_acct)), op == OP_SELFDESTRUCT);
    if (op == OP_SELFDESTRUCT) {
      acct_read(self_acct, ACCT_READ);
    }
    let new_account = sends && acct_empty(callee);
    if (op == OP_SELFDESTRUCT) {
      // EIP-2929: a cold beneficiary costs the whole cold access (a warm one nothing).
      return select(0u, GAS_COLD_ACCOUNT_ACCESS, cold) + select(0u, GAS_CALL_NEW_ACCOUNT, new_account);
    }
    extra = select(0u, COLD_ACCOUNT_EXTRA, cold) + select(0u, GAS_CALL_NEW_ACCOUNT, new_account);
    if (moves_value(op)) {
      extra += GAS_CALL_VALUE_TRANSFER;
    }
    // EIP-7702: a delegated account runs its delegate's code, and the call pays to
    // access the delegate (the next round).
    let e = acct_entry(callee);
    let flags = entry_u32(e, ACCOUNT_FLAGS);
    if (!has_eip(EIP_7702) || acct_has(callee, ACCT_CODE | ACCT_CREATED) || (flags & (ACCOUNT_DELEGATED | ACCOUNT_MALFORMED)) == 0u) {
      return extra;
    }
    if ((flags & ACCOUNT_MALFORMED) != 0u) {
      access_fail = OUTCOME_NEEDS_HOST;
      return 0u;
    }
    // The designator's last 20 bytes, big-endian.
    who = u256_zero();
    let at = entry_u32(e, ACCOUNT_RUN_AT) * 4u + DELEGATION_LEN - 20u;
    for (var j = 0u; j < 20u + opaque; j++) {
      let k = 19u - j;
      who[k >> 2u] |= region_byte(BUF_BLOB, at + j) << ((k & 3u) * 8u);
    }
  }
  return extra;
}

fn u64_from_u256(v: u256) -> vec2<u32> {
  if ((v[2] | v[3] | v[4] | v[5] | v[6] | v[7]) != 0u) {
    return U64_MAX;
  }
  return vec2<u32>(v[0], v[1]);
}

fn u64_min(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  return select(a, b, u64_lt(b, a));
}

// EIP-150: all but one 64th of the gas left.
fn all_but_64th(g: vec2<u32>) -> vec2<u32> {
  return u64_sub(g, vec2<u32>((g.x >> 6u) | (g.y << 26u), g.y >> 6u));
}

// What transfer() does besides moving value: a create's new account gets nonce 1 and
// is marked created; SELFDESTRUCT does not touch the account it empties.
const MOVE_CREATES = 1u;
const MOVE_UNTOUCHED_FROM = 2u;
// SELFDESTRUCT: the payer is marked destroyed; a self-destruct to itself has no payee
// (its balance, when burnt, is the value).
const MOVE_DESTROYS = 4u;
const MOVE_PAYER_ONLY = 8u;

// The value move a call, create or self-destruct asks for. execute() makes it once the
// opcode is done, so the kernel has one transfer() site: lavapipe inlines every call
// of a function, and each copy of transfer's account reads and writes costs compile
// time. Made after the callee's frame is pushed, a call's or create's move is undone
// with that frame.
var<private> move_pending: bool;
var<private> move_payer: u32;
var<private> move_payee: u32;
var<private> move_value: u256;
var<private> move_how: u32;

fn request_move(payer: u32, payee: u32, value: u256, how: u32) {
  move_pending = true;
  move_payer = payer;
  move_payee = payee;
  move_value = value;
  move_how = how;
}

// Makes the requested move; false when the host must run the call instead.
fn make_move() -> bool {
  if (!KERNEL_FRAMES || !move_pending) {
    return true;
  }
  move_pending = false;
  return transfer(move_payer, move_payee, move_value, move_how);
}

// Moves `value` from one account to another inside the frame being entered, touching
// both (EIP-161) as @ethereumjs/evm's value transfer does even for zero. False when the
// recipient's balance would overflow (left to the host). The two ends are one loop, so
// the kernel has one copy of acct_load and acct_store for both.
fn transfer(payer: u32, payee: u32, value: u256, how: u32) -> bool {
  let moves = !u256_is_zero(value);
  for (var side = 0u; side < 2u + opaque; side++) {
    let paying = side == 0u;
    if (!paying && (how & MOVE_PAYER_ONLY) != 0u) {
      break;
    }
    let i = select(payee, payer, paying);
    var s = acct_load(i);
    if (paying) {
      s.flags |= select(ACCT_TOUCHED, 0u, (how & MOVE_UNTOUCHED_FROM) != 0u);
      s.flags |= select(0u, ACCT_DESTROYED, (how & MOVE_DESTROYS) != 0u);
      s.balance = u256_sub(s.balance, value);
    } else {
      let sum = u256_add(s.balance, value);
      if (u256_lt(sum, value)) {
        return false;
      }
      s.flags |= ACCT_TOUCHED;
      s.balance = sum;
      // EIP-161: a created account starts at nonce 1 (its nonce was 0, or it collided).
      if ((how & MOVE_CREATES) != 0u) {
        s.nonce = vec2<u32>(1u, 0u);
        s.flags |= ACCT_CREATED | ACCT_WRITTEN;
      }
    }
    if (moves) {
      s.flags |= ACCT_WRITTEN;
    }
    acct_store(i, s);
  }
  return true;
}

// CALL, CALLCODE, DELEGATECALL, STATICCALL after their charge: the callee's gas
// (EIP-150), the depth and balance checks, then the callee's frame, or its result at
// once when it has no code. Returns 0 (res[0] is the result when no frame was pushed,
// `pushed` when one was) or the outcome that ends the call.
fn call_start(op: u32) -> u32 {
  // CALLVALUE of the callee: CALL and CALLCODE send their operand, DELEGATECALL keeps
  // the caller's, STATICCALL has none.
  var value = u256_zero();
  if (op == OP_CALL || op == OP_CALLCODE) {
    value = arg[2];
  } else if (op == OP_DELEGATECALL) {
    value = read_u256(BUF_SCRATCH, frame_at + FRAME_VALUE);
  }
  let moves = moves_value(op);
  var callee_gas = u64_min(u64_from_u256(arg[0]), all_but_64th(gas));
  gas = u64_sub(gas, callee_gas);
  if (moves) {
    callee_gas = u64_add(callee_gas, u64(GAS_CALL_STIPEND));
  }
  rd_len = 0u;
  res[0] = u256_zero();
  let transfers = op != OP_DELEGATECALL;
  // The balance check reads the caller's balance: the validator must see that read
  // even when the transfer fails and nothing is written. One that passes only needs
  // the balance to be at least what it was checked against (acct_check_balance).
  if (moves) {
    if (u256_lt(acct_balance(self_acct), value)) {
      acct_read(self_acct, ACCT_READ);
    } else {
      acct_check_balance(self_acct, value);
    }
  }
  if (depth >= LIMIT_CALL_DEPTH || (moves && u256_lt(acct_balance(self_acct), value))) {
    gas = u64_add(gas, callee_gas);
    return 0u;
  }
  // CALLCODE and DELEGATECALL run the code in the caller's account.
  let own = op == OP_CALLCODE || op == OP_DELEGATECALL;
  let recipient = select(call_target, self_acct, own);
  // A precompile (by the called address, before any delegation) is the host's.
  let to = acct_address(call_target);
  if (u256_fits_u32(to) && to[0] != 0u && to[0] <= PRECOMPILE_LAST_BY_FORK[param(PARAMS_FORK_ROW)]) {
    return precompile_call(op, to[0], callee_gas, value, recipient, transfers);
  }
  let code = acct_code(call_code_acct, true);
  let self_address = read_u256(BUF_SCRATCH, frame_at + FRAME_ADDRESS);
  if (code.len == 0u) {
    // Nothing runs, nothing can fail: the transfer is made in the caller's frame.
    if (transfers) {
      request_move(self_acct, recipient, value, 0u);
    }
    gas = u64_add(gas, callee_gas);
    res[0] = u256_one();
    return 0u;
  }
  let in_off = clamp_u32(call_arg(op, 0u));
  let in_len = clamp_u32(call_arg(op, 1u));
  let caller_mem = mem_at * 4u;
  let caller_static = frame_flags;
  let caller_self = self_acct;
  let env_caller = pick(self_address, read_u256(BUF_SCRATCH, frame_at + FRAME_CALLER), op == OP_DELEGATECALL);
  let env_address = pick(to, self_address, own);
  if (!frame_push(select(6u, 7u, op == OP_CALL || op == OP_CALLCODE), FRAME_CALL, NOT_FOUND, clamp_u32(call_arg(op, 2u)), clamp_u32(call_arg(op, 3u)), env_address, env_caller, value)) {
    return 0u;
  }
  pushed = true;
  gas = callee_gas;
  self_acct = recipient;
  frame_flags = caller_static | select(0u, FRAME_STATIC, op == OP_STATICCALL);
  data_buf = BUF_SCRATCH;
  data_base = select(0u, caller_mem + in_off, in_len != 0u);
  data_len = in_len;
  enter_code(code);
  if (transfers) {
    request_move(caller_self, recipient, value, 0u);
  }
  return 0u;
}

// Precompile calls the host runs: answers given with the call are used in order; the
// first call without one ends the invocation NeedsHost with a request (its address and
// gas in OUT, its input where return data goes, and which answer it needs), which the
// host answers before it runs the call again from the start
// (src/speculation/host-calls.ts). A replay reaches the same calls with the same inputs.
// A rerun against a later state starts with its previous run's answers, and its calls
// may differ: each answer names the precompile and input it is for, and one that does
// not match is asked for again in its place. A precompile's gas and output follow from
// its input, so an answer holds for any call with that input and enough gas.
// (Registers: interpreter/frame.)

// Whether the call's input, `n` bytes of memory from `off`, is the one stored in the
// blob from word `at`.
fn same_input(off: u32, at: u32, n: u32) -> bool {
  for (var i = 0u; i < n; i++) {
    if (region_byte(BUF_SCRATCH, mem_at * 4u + off + i) != blob_byte(at, i)) {
      return false;
    }
  }
  return true;
}

// How a precompile call is run (precompile_call).
const RUN_BY_HOST = 0u;
const RUN_IDENTITY = 1u;
const RUN_SHA256 = 2u;
const RUN_ANSWERED = 3u;

fn precompile_call(op: u32, address: u32, callee_gas: vec2<u32>, value: u256, recipient: u32, transfers: bool) -> u32 {
  let in_len = clamp_u32(call_arg(op, 1u));
  let cap = param(PARAMS_RETURN_CAP);
  var how = RUN_BY_HOST;
  var used = vec2<u32>(0u, 0u);
  var n = in_len;
  var answer_at = 0u;
  // Identity runs here: its output is its input, for 15 gas and 3 per word. sha256 too,
  // over the input where it lies in memory: 60 gas and 12 per word, 32 bytes out. One
  // short of its gas is left to the host (which answers no failing run: the CPU's).
  let identity_gas = vec2<u32>(GAS_IDENTITY + GAS_IDENTITY_WORD * ((in_len + 31u) / 32u), 0u);
  let sha256_gas = vec2<u32>(GAS_SHA256 + GAS_SHA256_WORD * ((in_len + 31u) / 32u), 0u);
  let k = host_answers_used;
  if (address == PRECOMPILE_IDENTITY && in_len <= cap && !u64_lt(callee_gas, identity_gas)) {
    how = RUN_IDENTITY;
    used = identity_gas;
  } else if (address == PRECOMPILE_SHA256 && 32u <= cap && !u64_lt(callee_gas, sha256_gas)) {
    how = RUN_SHA256;
    used = sha256_gas;
    n = 32u;
  } else if (k < call_u32(CALL_HOST_ANSWERS_COUNT)) {
    // One record of eight words: one read.
    let a = read_u256(BUF_BLOB, call_u32(CALL_HOST_ANSWERS_AT) + k * HOST_ANSWER_WORDS);
    let answer_used = vec2<u32>(a[HOST_ANSWER_GAS_USED], a[HOST_ANSWER_GAS_USED + 1u]);
    let answer_n = a[HOST_ANSWER_OUTPUT_LEN];
    let holds = a[HOST_ANSWER_ADDRESS] == address && a[HOST_ANSWER_INPUT_LEN] == in_len && !u64_lt(callee_gas, answer_used) && answer_n <= cap;
    if (holds && same_input(clamp_u32(call_arg(op, 0u)), a[HOST_ANSWER_INPUT_AT], in_len)) {
      how = RUN_ANSWERED;
      used = answer_used;
      n = answer_n;
      answer_at = a[HOST_ANSWER_OUTPUT_AT];
      host_answers_used = k + 1u;
    }
  }
  // The output (or, for the host, the input) goes where return data goes.
  let return_at = (out_at + param(PARAMS_OUT_RETURN)) * 4u;
  if (how == RUN_SHA256) {
    sha256_scratch(mem_at * 4u + clamp_u32(call_arg(op, 0u)), in_len, out_at + param(PARAMS_OUT_RETURN));
  } else if (how != RUN_BY_HOST || in_len <= cap) {
    if (how == RUN_ANSWERED) {
      copy_from(CP_REGION, BUF_BLOB, answer_at * 4u, n, 0u);
    } else {
      copy_from_memory(clamp_u32(call_arg(op, 0u)));
    }
    copy_to(n, CP_REGION, BUF_OUT, return_at, 0u);
  }
  if (how == RUN_BY_HOST) {
    if (in_len <= cap) {
      host_call = address;
      host_gas = callee_gas;
      end_len = in_len;
    }
    return OUTCOME_NEEDS_HOST;
  }
  // As a call to an account without code: the value moves in the caller's frame, the
  // caller gets back the gas left, the output is the return data and fills the output range.
  if (transfers) {
    request_move(self_acct, recipient, value, 0u);
  }
  gas = u64_add(gas, u64_sub(callee_gas, used));
  res[0] = u256_one();
  rd_len = n;
  host_ret_off = clamp_u32(call_arg(op, 2u));
  host_ret_n = min(clamp_u32(call_arg(op, 3u)), n);
  return 0u;
}
