//! requires: u256/all interpreter/frame interpreter/gas interpreter/stack interpreter/memory
//! requires: interpreter/arith interpreter/keccak interpreter/env interpreter/block interpreter/control
//! requires: interpreter/state interpreter/accounts interpreter/storage interpreter/log
//! requires: interpreter/frames interpreter/calls interpreter/creates
// One opcode, in phases that each touch memory in one place: checks and static gas
// from the opcode table, operand fetch, the dynamic charge (with the account, storage
// and memory work it prices), the opcode's effect, one copy, one result write.
//
// The order of checks is the reference's (@ethereumjs/evm), since it decides which
// outcome a failing call reports: an undefined opcode fails first; an opcode without
// dynamic gas is charged, then its stack is checked; an opcode with dynamic gas first
// checks the items its gas rule reads (OPINFO peek), then charges static and dynamic
// gas together, then checks the rest of its stack. A state-changing opcode in a
// static frame fails first: frames are static only below the transaction's own, where
// every exceptional halt has the same effect.

// Position of the opcode being run (PC pushes it).
var<private> op_pc: u32;
// Journal record of the slot SLOAD/SSTORE touched, and its current value.
var<private> journal_at: u32;
var<private> slot_current: u256;

fn is_frame_op(op: u32) -> bool {
  return KERNEL_FRAMES && (is_call_op(op) || is_create_op(op) || op == OP_SELFDESTRUCT);
}

fn is_account_op(op: u32) -> bool {
  return op == OP_BALANCE || op == OP_EXTCODESIZE || op == OP_EXTCODECOPY || op == OP_EXTCODEHASH || op == OP_SELFBALANCE;
}

// Static plus dynamic gas of an opcode with dynamic gas (`extra` from state_access),
// charged at once; grows memory. Returns 0 or the outcome that ends the call.
fn charge_dynamic(op: u32, sg: u32, extra_gas: u32) -> u32 {
  let a = arg[0];
  let b = arg[1];
  let c = arg[2];
  let d = arg[3];
  var extra = extra_gas;
  // Copy, hash and log data gas: per 32-byte word (or byte) of a length operand.
  var per = 0u;
  var len = u256_zero();
  // The (at most two) memory ranges the opcode touches, sized at one site below.
  var o1 = a;
  var l1 = u256_zero();
  var o2 = a;
  var l2 = u256_zero();
  if (op >= OP_LOG0 && op <= OP_LOG4) {
    l1 = b;
    len = b;
  } else if (op < OP_POP) {
    // Three switches, not one of 23 labels (lavapipe tests them one after another).
    switch op {
      case OP_EXP: { extra = exp_byte_gas(b); }
      case OP_KECCAK256: {
        l1 = b;
        len = b;
      }
      case OP_CALLDATACOPY, OP_CODECOPY: {
        l1 = c;
        len = c;
      }
      case OP_EXTCODECOPY: {
        o1 = b;
        l1 = d;
        len = d;
      }
      case OP_RETURNDATACOPY: {
        // Reading past the return data is out of bounds, which the reference reports
        // as running out of gas, before anything is charged.
        if (!u256_fits_u32(b) || !u256_fits_u32(c) || b[0] + c[0] < b[0] || b[0] + c[0] > rd_len) {
          return OUTCOME_OUT_OF_GAS;
        }
        l1 = c;
        len = c;
      }
      // BALANCE, EXTCODESIZE, EXTCODEHASH: their account's gas only (`extra`).
      default: { }
    }
  } else if (op <= OP_MCOPY) {
    switch op {
      case OP_MLOAD, OP_MSTORE: { l1 = u256_from_u32(32u); }
      case OP_MSTORE8: { l1 = u256_one(); }
      case OP_MCOPY: {
        o1 = b;
        l1 = c;
        l2 = c;
        len = c;
      }
      default: { }
    }
  } else {
    switch op {
      case OP_CALL, OP_CALLCODE, OP_DELEGATECALL, OP_STATICCALL: {
        o1 = call_arg(op, 0u);
        l1 = call_arg(op, 1u);
        o2 = call_arg(op, 2u);
        l2 = call_arg(op, 3u);
      }
      case OP_CREATE, OP_CREATE2: {
        o1 = b;
        l1 = c;
        len = c;
      }
      case OP_RETURN, OP_REVERT: { l1 = b; }
      // SELFDESTRUCT: its beneficiary's gas only (`extra`).
      default: { }
    }
  }
  let m = mem_expansion_max(mem_expansion(o1, l1), mem_expansion(o2, l2));
  var cost = u64(sg);
  if (op >= OP_LOG0 && op <= OP_LOG4) {
    cost = u64_add_sat(cost, u64_mul_sat(u64(clamp_u32(len)), GAS_LOG_DATA));
  } else {
    let copying = op == OP_CALLDATACOPY || op == OP_CODECOPY || op == OP_EXTCODECOPY || op == OP_MCOPY || op == OP_RETURNDATACOPY;
    // EIP-3860: init code words (0 before Shanghai); CREATE2 also hashes them.
    let create_word = GAS_INIT_CODE_WORD_BY_FORK[param(PARAMS_FORK_ROW)] + select(0u, GAS_KECCAK256_WORD, op == OP_CREATE2);
    var word_gas = select(select(0u, GAS_COPY, copying), GAS_KECCAK256_WORD, op == OP_KECCAK256);
    word_gas = select(word_gas, create_word, is_create_op(op));
    cost = u64_add_sat(cost, u64_mul_sat(u64(words_of(clamp_u32(len))), word_gas));
  }
  cost = u64_add_sat(cost, u64(extra));
  if (u64_lt(gas, u64_add_sat(cost, m.cost))) {
    return OUTCOME_OUT_OF_GAS;
  }
  if (!m.fits) {
    return OUTCOME_SCRATCH_EXHAUSTED;
  }
  gas = u64_sub(gas, u64_add_sat(cost, m.cost));
  if (m.words > mem_words) {
    mem_grow(m.words);
  }
  return 0u;
}

// The account and storage work of BALANCE, EXTCODESIZE, EXTCODECOPY, EXTCODEHASH,
// SELFBALANCE, SLOAD, SSTORE, the call family, CREATE, CREATE2 and SELFDESTRUCT, done
// once for all of them: returns the gas beyond the static part, or sets `access_fail`
// (full record areas set `exhausted`).
fn state_access(op: u32) -> u32 {
  if (is_frame_op(op) || is_account_op(op)) {
    return account_op_gas(op);
  }
  // The EIP-2200 sentry: SSTORE fails with GAS_SSTORE_SENTRY gas or less left, before
  // anything else.
  if (op == OP_SSTORE && !u64_lt(u64(GAS_SSTORE_SENTRY), gas)) {
    access_fail = OUTCOME_OUT_OF_GAS;
    return 0u;
  }
  journal_at = journal_touch(arg[0]);
  if (journal_at == NOT_FOUND) {
    return 0u;
  }
  let flags = out[journal_at + JOURNAL_FLAGS];
  let warm = (flags & JOURNAL_WARM) != 0u;
  slot_current = read_u256(BUF_OUT, journal_at + JOURNAL_CURRENT);
  // Warming and SSTORE's write change flags and current value: saved once, here.
  if (!warm || op == OP_SSTORE) {
    undo_save(BUF_OUT, journal_at + JOURNAL_FLAGS, 9u);
  }
  out[journal_at + JOURNAL_FLAGS] = flags | JOURNAL_WARM;
  if (op == OP_SLOAD) {
    return select(COLD_SLOAD_EXTRA, 0u, warm);
  }
  let original = read_u256(BUF_OUT, journal_at + JOURNAL_ORIGINAL);
  let c = sstore_cost(original, slot_current, arg[1], warm);
  // Refunds change only if the charge succeeds; a failed SSTORE ends the call anyway.
  refund = u64_sub(u64_add(refund, u64(c.add)), u64(c.sub));
  return c.gas;
}

// EXTCODEHASH of a touched account: 0 when it is empty (EIP-161), the snapshot's hash
// for code the transaction did not deposit, keccak of empty code for an account that
// has none (created here, or made non-empty by a transfer); code this transaction
// deposited is hashed on the host.
fn ext_hash(i: u32) -> u256 {
  if (acct_empty(i)) {
    return u256_zero();
  }
  if (acct_has(i, ACCT_CODE)) {
    access_fail = OUTCOME_NEEDS_HOST;
    return u256_zero();
  }
  let e = acct_entry(i);
  if (e == NOT_FOUND || acct_has(i, ACCT_CREATED)) {
    return KECCAK_EMPTY;
  }
  let h = read_u256(BUF_STATE, e + ACCOUNT_EXT_HASH);
  return pick(h, KECCAK_EMPTY, u256_is_zero(h));
}

// The opcode's effect, after every check and charge. Sets res[0] (and res[1] for
// SWAP), may leave a copy pending, returns 0 or the outcome that ends the frame.
fn execute(op: u32) -> u32 {
  let a = arg[0];
  let b = arg[1];
  let c = arg[2];
  let d = arg[3];
  var r = u256_zero();
  // A pushed word that lives in a buffer: read once, below.
  var word_buf = BUF_PARAMS;
  var word_at = NOT_FOUND;
  var from_reg = false;
  var status = 0u;
  if (op >= OP_PUSH0 && op <= OP_PUSH32) {
    r = push_value(op - OP_PUSH0);
    pc += op - OP_PUSH0;
  } else if (op >= OP_DUP1 && op <= OP_SWAP16) {
    // DUPn: arg[0] was fetched from depth n - 1. SWAPn: arg[1] from depth n.
    r = a;
    if (op >= OP_SWAP1) {
      r = b;
      res[1] = a;
    }
  } else if (op >= OP_LOG0 && op <= OP_LOG4) {
    if (!log_record(op - OP_LOG0, a[0], select(b[0], 0u, u256_is_zero(b)))) {
      status = OUTCOME_SCRATCH_EXHAUSTED;
    }
  } else if (op <= OP_SAR) {
    // STOP and the pure opcodes ADD..SAR.
    if (op == OP_STOP) {
      status = OUTCOME_STOP;
    } else {
      r = arith(op, a, b, c);
    }
  } else if (op == OP_KECCAK256 || is_create_op(op)) {
    // One hash site for KECCAK256 and a create's address (interpreter/creates).
    var hashes = op == OP_KECCAK256;
    if (!hashes) {
      status = create_check(op);
      hashes = create_go;
    }
    if (hashes) {
      r = hash_step(op);
    }
    if (create_go) {
      create_go = false;
      status = create_start(op, r);
    }
    if (op != OP_KECCAK256) {
      r = res[0];
    }
  } else if (is_call_op(op)) {
    status = call_start(op);
    r = res[0];
  } else if (op <= OP_CALLDATACOPY) {
    // The rest in groups of at most eight opcodes, a range test to reach each: lavapipe
    // tests a switch's case labels one after another, whichever is taken (about 2.8 ns
    // a label on this machine, bench/wgsl-probes.ts), so one switch of all 46 cost
    // every such opcode (POP, JUMP, JUMPDEST, MLOAD, ...) over a hundred nanoseconds.
    switch op {
      case OP_ADDRESS, OP_ORIGIN, OP_CALLER, OP_CALLVALUE: {
        let w = env_word_at(op);
        word_buf = w.x;
        word_at = w.y;
      }
      case OP_BALANCE: {
        word_buf = BUF_OUT;
        word_at = acct_at(account_index) + ACCT_BALANCE;
      }
      case OP_CALLDATALOAD: {
        copy_from(CP_REGION, data_buf, data_base, data_len, clamp_u32(a));
        copy_to(32u, CP_REG, 0u, 0u, 0u);
        from_reg = true;
      }
      case OP_CALLDATASIZE: { r = u256_from_u32(data_len); }
      case OP_CALLDATACOPY: {
        copy_from(CP_REGION, data_buf, data_base, data_len, clamp_u32(b));
        copy_to_memory(clamp_u32(c), a[0]);
      }
      default: { status = OUTCOME_INVALID_OPCODE; }
    }
  } else if (op <= OP_EXTCODEHASH) {
    switch op {
      case OP_CODESIZE: { r = u256_from_u32(code_len); }
      case OP_CODECOPY: {
        copy_from(CP_REGION, code_buf, code_base, code_len, clamp_u32(b));
        copy_to_memory(clamp_u32(c), a[0]);
      }
      case OP_GASPRICE: {
        let w = env_word_at(op);
        word_buf = w.x;
        word_at = w.y;
      }
      case OP_EXTCODESIZE: { r = u256_from_u32(acct_code(account_index, false).len); }
      case OP_EXTCODECOPY: {
        let code = acct_code(account_index, false);
        copy_from(CP_REGION, code.buf, code.base, code.len, clamp_u32(c));
        copy_to_memory(clamp_u32(d), b[0]);
      }
      case OP_RETURNDATASIZE: { r = u256_from_u32(rd_len); }
      case OP_RETURNDATACOPY: {
        copy_from(CP_REGION, BUF_OUT, (out_at + param(PARAMS_OUT_RETURN)) * 4u, rd_len, clamp_u32(b));
        copy_to_memory(clamp_u32(c), a[0]);
      }
      case OP_EXTCODEHASH: { r = ext_hash(account_index); }
      default: { status = OUTCOME_INVALID_OPCODE; }
    }
  } else if (op <= OP_BLOBBASEFEE) {
    switch op {
      case OP_BLOCKHASH: { word_at = blockhash_at(a); }
      case OP_COINBASE, OP_TIMESTAMP, OP_NUMBER, OP_PREVRANDAO, OP_GASLIMIT, OP_CHAINID, OP_BASEFEE, OP_BLOBBASEFEE: { word_at = block_field(op); }
      case OP_SELFBALANCE: {
        word_buf = BUF_OUT;
        word_at = acct_at(account_index) + ACCT_BALANCE;
      }
      case OP_BLOBHASH: {
        word_buf = BUF_BLOB;
        word_at = blobhash_at(a);
      }
      default: { status = OUTCOME_INVALID_OPCODE; }
    }
  } else if (op <= OP_JUMPI) {
    switch op {
      case OP_POP: { }
      case OP_MLOAD: {
        copy_from_memory(a[0]);
        copy_to(32u, CP_REG, 0u, 0u, 0u);
        from_reg = true;
      }
      case OP_MSTORE, OP_MSTORE8: {
        reg = b;
        let one = op == OP_MSTORE8;
        copy_from(CP_REG, 0u, 0u, 32u, select(0u, 31u, one));
        copy_to_memory(select(32u, 1u, one), a[0]);
      }
      case OP_SLOAD: { r = slot_current; }
      case OP_SSTORE: {
        write_out_u256(journal_at + JOURNAL_CURRENT, b, 8u);
        out[journal_at + JOURNAL_FLAGS] |= JOURNAL_WRITTEN;
      }
      case OP_JUMP, OP_JUMPI: {
        if (op == OP_JUMP || !u256_is_zero(b)) {
          if (!is_jumpdest(a)) {
            status = OUTCOME_INVALID_JUMP;
          }
          pc = a[0];
        }
      }
      default: { status = OUTCOME_INVALID_OPCODE; }
    }
  } else if (op <= OP_MCOPY) {
    switch op {
      case OP_PC: { r = u256_from_u32(op_pc); }
      case OP_MSIZE: { r = u256_from_u32(mem_words * 32u); }
      case OP_GAS: { r = u256(gas.x, gas.y, 0u, 0u, 0u, 0u, 0u, 0u); }
      case OP_JUMPDEST: { }
      case OP_TLOAD: { r = transient_load(a); }
      case OP_TSTORE: {
        if (!transient_store(a, b)) {
          status = OUTCOME_SCRATCH_EXHAUSTED;
        }
      }
      case OP_MCOPY: {
        copy_from_memory(b[0]);
        copy_to_memory(clamp_u32(c), a[0]);
      }
      default: { status = OUTCOME_INVALID_OPCODE; }
    }
  } else {
    switch op {
      case OP_RETURN, OP_REVERT: {
        let n = select(b[0], 0u, u256_is_zero(b));
        end_len = n;
        // A create's init code returns the code to deposit: into the code area, where
        // the frame's end keeps it. Longer than any deposit allows: nothing to keep.
        let deposit = KERNEL_FRAMES && op == OP_RETURN && depth > 0u && scratch[frame_at + FRAME_KIND] == FRAME_CREATE;
        var at = out_at + param(PARAMS_OUT_RETURN);
        var cap = param(PARAMS_RETURN_CAP);
        if (deposit) {
          at = out_at + param(PARAMS_OUT_CODE) + code_words;
          cap = select(0u, param(PARAMS_CODE_CAP) - code_words * 4u, n <= LIMIT_MAX_CODE_SIZE);
        }
        if (n > cap && !(deposit && n > LIMIT_MAX_CODE_SIZE)) {
          status = OUTCOME_SCRATCH_EXHAUSTED;
        } else {
          if (!deposit || n <= LIMIT_MAX_CODE_SIZE) {
            copy_from_memory(a[0]);
            copy_to(n, CP_REGION, BUF_OUT, at * 4u, 0u);
          }
          // A successful call that returns no data is reported as Stop, as every
          // engine reports it (src/evm/outcome.ts).
          status = select(select(OUTCOME_STOP, OUTCOME_RETURN, n > 0u), OUTCOME_REVERT, op == OP_REVERT);
        }
      }
      case OP_SELFDESTRUCT: {
        if (KERNEL_FRAMES) {
          status = selfdestruct_run();
        }
      }
      default: { status = OUTCOME_INVALID_OPCODE; }
    }
  }
  if (!make_move()) {
    status = OUTCOME_NEEDS_HOST;
  }
  if (access_fail != 0u) {
    status = access_fail;
  }
  if (word_at != NOT_FOUND) {
    r = read_u256(word_buf, word_at);
  }
  if (cp_n > 0u && (status == 0u || status == OUTCOME_STOP || status == OUTCOME_RETURN || status == OUTCOME_REVERT || host_call != 0u)) {
    run_copy();
  }
  cp_n = 0u;
  // A precompile's answer, now in the return data region, to the call's output range.
  if (host_ret_n > 0u) {
    copy_return(host_ret_off, host_ret_n);
    host_ret_n = 0u;
  }
  if (from_reg) {
    r = reg;
  }
  res[0] = r;
  return status;
}

fn step(op: u32) -> u32 {
  let info = OPCODE_INFO[param(PARAMS_FORK_ROW) * 256u + op];
  // INVALID is defined, with its own name, and fails like an undefined byte.
  if ((info & OPINFO_DEFINED) == 0u || op == OP_INVALID) {
    return OUTCOME_INVALID_OPCODE;
  }
  if ((info & OPINFO_WRITES) != 0u && (frame_flags & FRAME_STATIC) != 0u) {
    return OUTCOME_STATIC_STATE_CHANGE;
  }
  // A kernel built without frames never meets a frame opcode (its code has none); were
  // it to, the host runs the call.
  if (!KERNEL_FRAMES && (op == OP_CALL || op == OP_CALLCODE || op == OP_DELEGATECALL || op == OP_STATICCALL || op == OP_CREATE || op == OP_CREATE2 || op == OP_SELFDESTRUCT)) {
    return OUTCOME_NEEDS_HOST;
  }
  let sg = info & OPINFO_GAS_MASK;
  let pops = (info >> OPINFO_POPS_SHIFT) & 31u;
  let pushes = (info >> OPINFO_PUSHES_SHIFT) & 31u;
  let dynamic = (info & OPINFO_DYNAMIC) != 0u;
  if (dynamic) {
    if (sp < (info >> OPINFO_PEEK_SHIFT)) {
      return OUTCOME_STACK_UNDERFLOW;
    }
  } else {
    if (!charge(u64(sg))) {
      return OUTCOME_OUT_OF_GAS;
    }
    if (sp < pops) {
      return OUTCOME_STACK_UNDERFLOW;
    }
    if (sp - pops + pushes > STACK_LIMIT) {
      return OUTCOME_STACK_OVERFLOW;
    }
    if (sp - pops + pushes > stack_cap) {
      return OUTCOME_SCRATCH_EXHAUSTED;
    }
  }
  pc += 1u;

  var first = 0u;
  var second = 1u;
  var count = min(pops, sp);
  var results = min(pushes, 1u);
  if (op >= OP_DUP1 && op <= OP_DUP16) {
    first = op - OP_DUP1;
    count = 1u;
  } else if (op >= OP_SWAP1 && op <= OP_SWAP16) {
    second = op - OP_SWAP1 + 1u;
    count = 2u;
    results = 2u;
  }
  fetch_args(count, first, second);

  // SELFBALANCE has static gas only, but its read is recorded like the others'.
  var extra = 0u;
  access_fail = 0u;
  if (is_account_op(op) || op == OP_SLOAD || op == OP_SSTORE || is_frame_op(op)) {
    extra = state_access(op);
    if (exhausted) {
      return OUTCOME_SCRATCH_EXHAUSTED;
    }
    if (access_fail != 0u) {
      return access_fail;
    }
  }
  if (dynamic) {
    let s = charge_dynamic(op, sg, extra);
    if (s != 0u) {
      return s;
    }
    if (sp < pops) {
      return OUTCOME_STACK_UNDERFLOW;
    }
  }

  let status = execute(op);
  if (exhausted) {
    return OUTCOME_SCRATCH_EXHAUSTED;
  }
  if (pushed) {
    // The callee runs now; the call's result is pushed when it ends.
    pushed = false;
    return status;
  }
  if (status != 0u) {
    return status;
  }
  sp = sp - pops + pushes;
  write_results(results, second);
  return 0u;
}
