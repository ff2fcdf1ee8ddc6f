//! requires: u256/core interpreter/bindings interpreter/frame interpreter/stack interpreter/step
//! requires: interpreter/access interpreter/storage interpreter/log
// The interpreter kernel: one invocation runs one call's top-level frame to its end,
// one opcode per iteration of a single dispatch loop (interpreter/step), until it
// stops, halts, needs the host (CALL family, CREATE*, SELFDESTRUCT) or spends the
// dispatch's step budget.

const WORKGROUP = 64u;

fn begin(index: u32, slot: u32) {
  opaque = param(PARAMS_OPAQUE);
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
  var head: array<u32, OUT_WORDS>;
  head[OUT_OUTCOME] = status;
  head[OUT_GAS_LEFT] = left.x;
  head[OUT_GAS_LEFT + 1u] = left.y;
  head[OUT_REFUND] = refund.x;
  head[OUT_REFUND + 1u] = refund.y;
  head[OUT_STEPS] = steps;
  head[OUT_RETURN_LEN] = return_len;
  head[OUT_LOG_COUNT] = log_count;
  head[OUT_LOG_DATA_LEN] = log_data_len;
  head[OUT_JOURNAL_COUNT] = journal_count;
  head[OUT_ACCESSED_COUNT] = accessed_count;
  head[OUT_PC] = op_pc;
  head[OUT_OP] = select(0u, blob_byte(code_at, op_pc), op_pc < code_len);
  for (var i = 0u; i < OUT_WORDS + opaque; i++) {
    out[out_at + i] = head[i];
  }
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
