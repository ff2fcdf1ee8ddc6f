//! requires: u256/core interpreter/frame interpreter/gas interpreter/stack interpreter/memory interpreter/output
// JUMP, JUMPI, PC, GAS, RETURN, REVERT. Jump targets are checked against the code's
// JUMPDEST bitmap, computed once per code on the host (src/evm/code-analysis.ts): bit i
// set when offset i is a JUMPDEST opcode rather than PUSH data.

var<private> return_len: u32;

fn is_jumpdest(dest: u256) -> bool {
  if (!u256_fits_u32(dest) || dest[0] >= code_len) {
    return false;
  }
  let d = dest[0];
  return ((blob[jumpdests_at + (d >> 5u)] >> (d & 31u)) & 1u) != 0u;
}

fn op_jump() -> u32 {
  let dest = stack_peek(0u);
  sp -= 1u;
  if (!is_jumpdest(dest)) {
    return OUTCOME_INVALID_JUMP;
  }
  pc = dest[0];
  return 0u;
}

fn op_jumpi() -> u32 {
  let dest = stack_peek(0u);
  let cond = stack_peek(1u);
  sp -= 2u;
  if (u256_is_zero(cond)) {
    return 0u;
  }
  if (!is_jumpdest(dest)) {
    return OUTCOME_INVALID_JUMP;
  }
  pc = dest[0];
  return 0u;
}

fn op_gas() {
  stack_push(u256(gas.x, gas.y, 0u, 0u, 0u, 0u, 0u, 0u));
}

// RETURN and REVERT: memory growth for the returned range, then the bytes go to the
// output region. A successful call that returns no data is reported as Stop, as every
// engine reports it (src/evm/outcome.ts).
fn op_return(sg: u32, revert: bool) -> u32 {
  let off = stack_peek(0u);
  let len = stack_peek(1u);
  let s = charge_mem(u64(sg), mem_expansion(off, len));
  if (s != 0u) {
    return s;
  }
  let n = select(len[0], 0u, u256_is_zero(len));
  if (n > param(PARAMS_RETURN_CAP)) {
    return OUTCOME_SCRATCH_EXHAUSTED;
  }
  sp -= 2u;
  copy_memory_out(out_at + param(PARAMS_OUT_RETURN), off[0], n);
  return_len = n;
  if (revert) {
    return OUTCOME_REVERT;
  }
  return select(OUTCOME_STOP, OUTCOME_RETURN, n > 0u);
}
