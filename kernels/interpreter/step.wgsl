//! requires: u256/all interpreter/frame interpreter/gas interpreter/stack interpreter/memory
//! requires: interpreter/arith interpreter/keccak interpreter/env interpreter/block interpreter/control
//! requires: interpreter/state interpreter/access interpreter/storage interpreter/log
// One opcode, in phases that each touch memory in one place: checks and static gas
// from the opcode table, operand fetch, the dynamic charge (with the account, storage
// and memory work it prices), the opcode's effect, one copy, one result write.
//
// The order of checks is the reference's (@ethereumjs/evm), since it decides which
// outcome a failing call reports: an undefined opcode fails first; an opcode without
// dynamic gas is charged, then its stack is checked; an opcode with dynamic gas first
// checks the items its gas rule reads (OPINFO peek), then charges static and dynamic
// gas together, then checks the rest of its stack.

// Position of the opcode being run (PC pushes it).
var<private> op_pc: u32;
// Account table index of the account an account opcode touched.
var<private> account_index: u32;
// Journal record of the slot SLOAD/SSTORE touched, and its current value.
var<private> journal_at: u32;
var<private> slot_current: u256;
var<private> return_len: u32;

fn is_account_op(op: u32) -> bool {
  return op == 0x31u || op == 0x3bu || op == 0x3cu || op == 0x3fu || op == 0x47u;
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
  var m = mem_expansion(a, u256_zero());
  if (op >= 0xa0u && op <= 0xa4u) {
    m = mem_expansion(a, b);
    len = b;
  } else {
    switch op {
      case 0x0au: { extra = exp_byte_gas(b); }
      case 0x20u: {
        m = mem_expansion(a, b);
        len = b;
      }
      case 0x31u, 0x3bu, 0x3fu: { }
      case 0x37u, 0x39u: {
        m = mem_expansion(a, c);
        len = c;
      }
      case 0x3cu: {
        m = mem_expansion(b, d);
        len = d;
      }
      case 0x3eu: {
        // The return data is empty: any nonzero offset or length is out of bounds,
        // which the reference reports as running out of gas.
        if (!u256_is_zero(b) || !u256_is_zero(c)) {
          return OUTCOME_OUT_OF_GAS;
        }
      }
      case 0x51u, 0x52u: { m = mem_expansion(a, u256_from_u32(32u)); }
      case 0x53u: { m = mem_expansion(a, u256_one()); }
      case 0x5eu: {
        m = mem_expansion_max(mem_expansion(b, c), mem_expansion(a, c));
        len = c;
      }
      case 0xf3u, 0xfdu: { m = mem_expansion(a, b); }
      default: { }
    }
  }
  var cost = u64(sg);
  if (op >= 0xa0u && op <= 0xa4u) {
    cost = u64_add_sat(cost, u64_mul_sat(u64(clamp_u32(len)), 8u));
  } else {
    let word_gas = select(select(0u, 3u, op == 0x37u || op == 0x39u || op == 0x3cu || op == 0x5eu), 6u, op == 0x20u);
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
// SELFBALANCE, SLOAD and SSTORE, done once for all of them: returns the gas beyond the
// static part, NOT_FOUND when a record area is full, NOT_FOUND - 1 for SSTORE's sentry.
fn state_access(op: u32) -> u32 {
  if (is_account_op(op)) {
    let self_ = op == 0x47u;
    var who = to_address(arg[0]);
    if (self_) {
      who = read_u256(BUF_CALLS, call_at + CALL_ADDRESS);
    }
    let copying = op != 0x3cu || !u256_is_zero(arg[3]);
    let access = access_account(who, !self_, copying);
    if (access == ACCESS_FULL) {
      return NOT_FOUND;
    }
    account_index = account_find(who);
    return select(0u, COLD_ACCOUNT_EXTRA, access == ACCESS_COLD && !self_);
  }
  // The EIP-2200 sentry: SSTORE fails with 2300 gas or less left, before anything else.
  if (op == 0x55u && !u64_lt(u64(2300u), gas)) {
    return NOT_FOUND - 1u;
  }
  journal_at = journal_touch(arg[0]);
  if (journal_at == NOT_FOUND) {
    return NOT_FOUND;
  }
  let flags = out[journal_at + JOURNAL_FLAGS];
  let warm = (flags & JOURNAL_WARM) != 0u;
  slot_current = read_u256(BUF_OUT, journal_at + JOURNAL_CURRENT);
  out[journal_at + JOURNAL_FLAGS] = flags | JOURNAL_WARM;
  if (op == 0x54u) {
    return select(COLD_SLOAD_EXTRA, 0u, warm);
  }
  let original = read_u256(BUF_OUT, journal_at + JOURNAL_ORIGINAL);
  let c = sstore_cost(original, slot_current, arg[1], warm);
  // Refunds change only if the charge succeeds; a failed SSTORE ends the call anyway.
  refund = u64_sub(u64_add(refund, u64(c.add)), u64(c.sub));
  return c.gas;
}

// The opcode's effect, after every check and charge. Sets res[0] (and res[1] for
// SWAP), may leave a copy pending, returns 0 or the outcome that ends the call.
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
  if (op >= 0x5fu && op <= 0x7fu) {
    r = push_value(op - 0x5fu);
    pc += op - 0x5fu;
  } else if (op >= 0x80u && op <= 0x9fu) {
    // DUPn: arg[0] was fetched from depth n - 1. SWAPn: arg[1] from depth n.
    r = a;
    if (op >= 0x90u) {
      r = b;
      res[1] = a;
    }
  } else if (op >= 0xa0u && op <= 0xa4u) {
    if (!log_record(op - 0xa0u, a[0], select(b[0], 0u, u256_is_zero(b)))) {
      status = OUTCOME_SCRATCH_EXHAUSTED;
    }
  } else if (op <= 0x1du) {
    if (op == 0x00u) {
      status = OUTCOME_STOP;
    } else {
      r = arith(op, a, b, c);
    }
  } else {
    switch op {
      case 0x20u: { r = keccak_memory(a[0], select(b[0], 0u, u256_is_zero(b))); }
      case 0x30u, 0x32u, 0x33u, 0x34u, 0x3au: {
        word_buf = BUF_CALLS;
        word_at = call_at + call_field(op);
      }
      case 0x31u, 0x47u: {
        word_buf = BUF_STATE;
        word_at = select(account_field(account_index, ACCOUNT_BALANCE), NOT_FOUND, account_index == NOT_FOUND);
      }
      case 0x3fu: {
        word_buf = BUF_STATE;
        word_at = select(account_field(account_index, ACCOUNT_EXT_HASH), NOT_FOUND, account_index == NOT_FOUND);
      }
      case 0x3bu: {
        if (account_index != NOT_FOUND) {
          r = u256_from_u32(state[account_field(account_index, ACCOUNT_CODE_LEN)]);
        }
      }
      case 0x35u: {
        copy_request(32u, CP_BLOB, data_at, data_len, clamp_u32(a), CP_REG, 0u, 0u);
        from_reg = true;
      }
      case 0x36u: { r = u256_from_u32(data_len); }
      case 0x37u: { copy_request(clamp_u32(c), CP_BLOB, data_at, data_len, clamp_u32(b), CP_MEM, 0u, a[0]); }
      case 0x38u: { r = u256_from_u32(code_len); }
      case 0x39u: { copy_request(clamp_u32(c), CP_BLOB, code_at, code_len, clamp_u32(b), CP_MEM, 0u, a[0]); }
      case 0x3cu: {
        var at = 0u;
        var len = 0u;
        if (account_index != NOT_FOUND) {
          at = state[account_field(account_index, ACCOUNT_CODE_AT)];
          len = state[account_field(account_index, ACCOUNT_CODE_LEN)];
        }
        copy_request(clamp_u32(d), CP_BLOB, at, len, clamp_u32(c), CP_MEM, 0u, b[0]);
      }
      case 0x3du, 0x3eu, 0x50u, 0x5bu: { }
      case 0x40u: { word_at = blockhash_at(a); }
      case 0x41u, 0x42u, 0x43u, 0x44u, 0x45u, 0x46u, 0x48u, 0x4au: { word_at = block_field(op); }
      case 0x49u: {
        word_buf = BUF_BLOB;
        word_at = blobhash_at(a);
      }
      case 0x51u: {
        copy_request(32u, CP_MEM, 0u, 0u, a[0], CP_REG, 0u, 0u);
        from_reg = true;
      }
      case 0x52u, 0x53u: {
        reg = b;
        let one = op == 0x53u;
        copy_request(select(32u, 1u, one), CP_REG, 0u, 32u, select(0u, 31u, one), CP_MEM, 0u, a[0]);
      }
      case 0x54u: { r = slot_current; }
      case 0x55u: {
        write_out_u256(journal_at + JOURNAL_CURRENT, b, 8u);
        out[journal_at + JOURNAL_FLAGS] |= JOURNAL_WRITTEN;
      }
      case 0x56u, 0x57u: {
        if (op == 0x56u || !u256_is_zero(b)) {
          if (!is_jumpdest(a)) {
            status = OUTCOME_INVALID_JUMP;
          }
          pc = a[0];
        }
      }
      case 0x58u: { r = u256_from_u32(op_pc); }
      case 0x59u: { r = u256_from_u32(mem_words * 32u); }
      case 0x5au: { r = u256(gas.x, gas.y, 0u, 0u, 0u, 0u, 0u, 0u); }
      case 0x5cu: { r = transient_load(a); }
      case 0x5du: {
        if (!transient_store(a, b)) {
          status = OUTCOME_SCRATCH_EXHAUSTED;
        }
      }
      case 0x5eu: { copy_request(clamp_u32(c), CP_MEM, 0u, 0u, b[0], CP_MEM, 0u, a[0]); }
      case 0xf3u, 0xfdu: {
        let n = select(b[0], 0u, u256_is_zero(b));
        if (n > param(PARAMS_RETURN_CAP)) {
          status = OUTCOME_SCRATCH_EXHAUSTED;
        } else {
          copy_request(n, CP_MEM, 0u, 0u, a[0], CP_OUT, out_at + param(PARAMS_OUT_RETURN), 0u);
          return_len = n;
          // A successful call that returns no data is reported as Stop, as every
          // engine reports it (src/evm/outcome.ts).
          status = select(select(OUTCOME_STOP, OUTCOME_RETURN, n > 0u), OUTCOME_REVERT, op == 0xfdu);
        }
      }
      default: { status = OUTCOME_INVALID_OPCODE; }
    }
  }
  if (word_at != NOT_FOUND) {
    r = read_u256(word_buf, word_at);
  }
  if (cp_n > 0u && (status == 0u || status == OUTCOME_STOP || status == OUTCOME_RETURN || status == OUTCOME_REVERT)) {
    run_copy();
  }
  cp_n = 0u;
  if (from_reg) {
    r = reg;
  }
  res[0] = r;
  return status;
}

fn step(op: u32) -> u32 {
  let info = OPCODE_INFO[param(PARAMS_FORK_ROW) * 256u + op];
  // INVALID (0xfe) is defined, with its own name, and fails like an undefined byte.
  if ((info & OPINFO_DEFINED) == 0u || op == 0xfeu) {
    return OUTCOME_INVALID_OPCODE;
  }
  if ((info & OPINFO_HOST) != 0u) {
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
  }
  pc += 1u;

  var first = 0u;
  var second = 1u;
  var count = min(pops, sp);
  var results = min(pushes, 1u);
  if (op >= 0x80u && op <= 0x8fu) {
    first = op - 0x80u;
    count = 1u;
  } else if (op >= 0x90u && op <= 0x9fu) {
    second = op - 0x8fu;
    count = 2u;
    results = 2u;
  }
  fetch_args(count, first, second);

  // SELFBALANCE has static gas only, but its read is recorded like the others'.
  var extra = 0u;
  if (is_account_op(op) || op == 0x54u || op == 0x55u) {
    extra = state_access(op);
    if (extra == NOT_FOUND) {
      return OUTCOME_SCRATCH_EXHAUSTED;
    }
    if (extra == NOT_FOUND - 1u) {
      return OUTCOME_OUT_OF_GAS;
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
  if (status != 0u) {
    return status;
  }
  sp = sp - pops + pushes;
  write_results(results, second);
  return 0u;
}
