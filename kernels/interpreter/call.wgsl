//! requires: u256/core interpreter/frame interpreter/stack interpreter/run
//! requires: interpreter/access interpreter/storage interpreter/log
// Start and end of one invocation's call, shared by the interpreter kernel and compiled
// kernels: where its records and regions are, and the OUT head written at the end.

const WORKGROUP = 64u;

// The invocation's scratch slot on a two-dimensional grid (one dimension caps at 65535
// workgroups), or NOT_FOUND past the chunk's calls.
fn invocation_slot(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  let slot = gid.x + gid.y * groups.x * WORKGROUP;
  return select(NOT_FOUND, slot, slot < chunk[CHUNK_COUNT]);
}

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

fn finish(status: u32) {
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
