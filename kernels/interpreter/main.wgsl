//! requires: u256/all interpreter/bindings interpreter/frame interpreter/gas interpreter/stack interpreter/memory
//! requires: interpreter/arith interpreter/keccak interpreter/env interpreter/block interpreter/storage
//! requires: interpreter/log interpreter/control interpreter/state interpreter/access
// The interpreter kernel: one invocation runs one call's top-level frame to its end,
// one opcode per iteration of a single dispatch loop, until it stops, halts, needs the
// host (CALL family, CREATE*, SELFDESTRUCT) or spends the dispatch's step budget.
//
// Order of checks per opcode, as the reference (@ethereumjs/evm) does them, since the
// order decides which outcome a failing call reports: an undefined opcode fails first;
// an opcode without dynamic gas is charged, then its stack is checked; an opcode with
// dynamic gas first checks the items its gas rule reads (OPINFO peek), then charges
// static and dynamic gas together, then checks the rest of its stack.

const WORKGROUP = 64u;

// Where execution ended, for diagnostics.
var<private> op_pc: u32;

fn step(op: u32) -> u32 {
  let info = OPCODE_INFO[param(PARAMS_FORK_ROW) * 256u + op];
  if ((info & OPINFO_DEFINED) == 0u) {
    return OUTCOME_INVALID_OPCODE;
  }
  if ((info & OPINFO_HOST) != 0u) {
    return OUTCOME_NEEDS_HOST;
  }
  let sg = info & OPINFO_GAS_MASK;
  if ((info & OPINFO_DYNAMIC) != 0u) {
    if (sp < (info >> OPINFO_PEEK_SHIFT)) {
      return OUTCOME_STACK_UNDERFLOW;
    }
  } else {
    if (!charge(u64(sg))) {
      return OUTCOME_OUT_OF_GAS;
    }
    let pops = (info >> OPINFO_POPS_SHIFT) & 31u;
    let pushes = (info >> OPINFO_PUSHES_SHIFT) & 31u;
    if (sp < pops) {
      return OUTCOME_STACK_UNDERFLOW;
    }
    if (sp - pops + pushes > STACK_LIMIT) {
      return OUTCOME_STACK_OVERFLOW;
    }
  }
  pc += 1u;
  if (op >= 0x5fu && op <= 0x7fu) {
    op_push(op - 0x5fu);
    return 0u;
  }
  if (op >= 0x80u && op <= 0x8fu) {
    op_dup(op - 0x7fu);
    return 0u;
  }
  if (op >= 0x90u && op <= 0x9fu) {
    op_swap(op - 0x8fu);
    return 0u;
  }
  if (op >= 0xa0u && op <= 0xa4u) {
    return op_log(sg, op - 0xa0u);
  }
  if ((op >= 0x01u && op <= 0x09u) || op == 0x0bu || (op >= 0x10u && op <= 0x1du)) {
    op_arith(op);
    return 0u;
  }
  switch op {
    case 0x00u: { return OUTCOME_STOP; }
    case 0x0au: { return op_exp(sg); }
    case 0x20u: { return op_keccak256(sg); }
    case 0x30u: { stack_push(call_u256(CALL_ADDRESS)); }
    case 0x31u, 0x3bu, 0x3fu: { return op_account_query(op, sg); }
    case 0x32u: { stack_push(call_u256(CALL_ORIGIN)); }
    case 0x33u: { stack_push(call_u256(CALL_CALLER)); }
    case 0x34u: { stack_push(call_u256(CALL_VALUE)); }
    case 0x35u: { op_calldataload(); }
    case 0x36u: { stack_push(u256_from_u32(data_len)); }
    case 0x37u: { return op_copy_blob(sg, data_at, data_len); }
    case 0x38u: { stack_push(u256_from_u32(code_len)); }
    case 0x39u: { return op_copy_blob(sg, code_at, code_len); }
    case 0x3au: { stack_push(call_u256(CALL_GAS_PRICE)); }
    case 0x3cu: { return op_extcodecopy(sg); }
    case 0x3du: { stack_push(u256_zero()); }
    case 0x3eu: { return op_returndatacopy(sg); }
    case 0x40u: { op_blockhash(); }
    case 0x41u: { stack_push(param_u256(PARAMS_COINBASE)); }
    case 0x42u: { stack_push(param_u256(PARAMS_TIMESTAMP)); }
    case 0x43u: { stack_push(param_u256(PARAMS_NUMBER)); }
    case 0x44u: { stack_push(param_u256(PARAMS_PREV_RANDAO)); }
    case 0x45u: { stack_push(param_u256(PARAMS_GAS_LIMIT)); }
    case 0x46u: { stack_push(param_u256(PARAMS_CHAIN_ID)); }
    case 0x47u: { return op_selfbalance(); }
    case 0x48u: { stack_push(param_u256(PARAMS_BASE_FEE)); }
    case 0x49u: { op_blobhash(); }
    case 0x4au: { stack_push(param_u256(PARAMS_BLOB_BASE_FEE)); }
    case 0x50u: { sp -= 1u; }
    case 0x51u: { return op_mload(sg); }
    case 0x52u: { return op_mstore(sg, false); }
    case 0x53u: { return op_mstore(sg, true); }
    case 0x54u: { return op_sload(sg); }
    case 0x55u: { return op_sstore(sg); }
    case 0x56u: { return op_jump(); }
    case 0x57u: { return op_jumpi(); }
    case 0x58u: { stack_push(u256_from_u32(op_pc)); }
    case 0x59u: { op_msize(); }
    case 0x5au: { op_gas(); }
    case 0x5bu: { }
    case 0x5cu: { op_tload(); }
    case 0x5du: { return op_tstore(); }
    case 0x5eu: { return op_mcopy(sg); }
    case 0xf3u: { return op_return(sg, false); }
    case 0xfdu: { return op_return(sg, true); }
    default: { return OUTCOME_INVALID_OPCODE; }
  }
  return 0u;
}

fn begin(index: u32, slot: u32) {
  call_at = index * CALL_WORDS;
  out_at = index * param(PARAMS_OUT_WORDS);
  stack_at = slot * param(PARAMS_SCRATCH_WORDS);
  mem_at = stack_at + param(PARAMS_SCRATCH_MEMORY);
  transient_at = stack_at + param(PARAMS_SCRATCH_TRANSIENT);
  code_at = call_u32(CALL_CODE_AT);
  code_len = call_u32(CALL_CODE_LEN);
  jumpdests_at = call_u32(CALL_JUMPDESTS_AT);
  data_at = call_u32(CALL_DATA_AT);
  data_len = call_u32(CALL_DATA_LEN);
  gas = vec2<u32>(call_u32(CALL_GAS), call_u32(CALL_GAS + 1u));
}

fn finish(status: u32, steps: u32) {
  // An exceptional halt consumes all gas; NeedsHost and the budget outcomes report what
  // was left, for diagnostics only (the host reruns those calls).
  let halted = status >= OUTCOME_OUT_OF_GAS && status < OUTCOME_NEEDS_HOST;
  let left = select(gas, vec2<u32>(0u, 0u), halted);
  out[out_at + OUT_OUTCOME] = status;
  out[out_at + OUT_GAS_LEFT] = left.x;
  out[out_at + OUT_GAS_LEFT + 1u] = left.y;
  out[out_at + OUT_REFUND] = refund.x;
  out[out_at + OUT_REFUND + 1u] = refund.y;
  out[out_at + OUT_STEPS] = steps;
  out[out_at + OUT_RETURN_LEN] = return_len;
  out[out_at + OUT_LOG_COUNT] = log_count;
  out[out_at + OUT_LOG_DATA_LEN] = log_data_len;
  out[out_at + OUT_JOURNAL_COUNT] = journal_count;
  out[out_at + OUT_ACCESSED_COUNT] = accessed_count;
  out[out_at + OUT_PC] = op_pc;
  out[out_at + OUT_OP] = select(0u, blob_byte(code_at, op_pc), op_pc < code_len);
}

@compute @workgroup_size(WORKGROUP)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // Two-dimensional grid: one dimension caps at 65535 workgroups.
  let slot = gid.x + gid.y * groups.x * WORKGROUP;
  if (slot >= chunk[CHUNK_COUNT]) {
    return;
  }
  begin(chunk[CHUNK_FIRST_CALL] + slot, slot);
  let budget = param(PARAMS_STEP_BUDGET);
  var steps = 0u;
  var status = 0u;
  loop {
    op_pc = pc;
    if (pc >= code_len) {
      status = OUTCOME_STOP;
      break;
    }
    if (steps >= budget) {
      status = OUTCOME_BUDGET_EXHAUSTED;
      break;
    }
    steps += 1u;
    status = step(blob_byte(code_at, pc));
    if (status != 0u) {
      break;
    }
  }
  finish(status, steps);
}
