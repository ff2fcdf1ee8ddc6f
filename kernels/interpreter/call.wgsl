//! requires: u256/core interpreter/frame interpreter/stack interpreter/run
//! requires: interpreter/accounts interpreter/storage interpreter/log interpreter/frames
// Start and end of one invocation's call, shared by the interpreter kernel and compiled
// kernels: where its records and regions are, the transaction's own frame (depth 0),
// and the OUT head written at the end.

// Set per device when the pipeline is made (src/gpu/workgroup.ts says why).
override WORKGROUP: u32 = 64u;

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
  accts_at = out_at + param(PARAMS_OUT_ACCOUNTS);
  let base = slot * param(PARAMS_SCRATCH_WORDS);
  frames_at = base + param(PARAMS_SCRATCH_FRAMES);
  undo_at = base + param(PARAMS_SCRATCH_UNDO);
  transient_at = base + param(PARAMS_SCRATCH_TRANSIENT);
  hash_at = base + param(PARAMS_SCRATCH_HASH);
  stack_at = slot * param(PARAMS_STACK_ITEMS);
  stack_end = stack_at + param(PARAMS_STACK_ITEMS);
  stack_cap = min(STACK_LIMIT, stack_end - stack_at);
  mem_at = base + param(PARAMS_SCRATCH_MEMORY);
  mem_end = base + param(PARAMS_SCRATCH_WORDS);
  mem_cap = (mem_end - mem_at) / 8u;
  code_buf = BUF_BLOB;
  code_base = call_u32(CALL_CODE_AT) * 4u;
  code_len = call_u32(CALL_CODE_LEN);
  jd_buf = BUF_BLOB;
  jd_at = call_u32(CALL_JUMPDESTS_AT);
  data_buf = BUF_BLOB;
  data_base = call_u32(CALL_DATA_AT) * 4u;
  data_len = call_u32(CALL_DATA_LEN);
  gas = vec2<u32>(call_u32(CALL_GAS), call_u32(CALL_GAS + 1u));
  frame_at = frames_at;
  program_at = NOT_FOUND;
  mode = MODE_INTERPRET;
  // The transaction's frame: its environment words, and its account's record (a
  // create transaction's new account is created in this transaction, EIP-6780).
  let address = read_u256(BUF_CALLS, call_at + CALL_ADDRESS);
  write_scratch_u256(frame_at + FRAME_ADDRESS, address, 8u);
  write_scratch_u256(frame_at + FRAME_CALLER, read_u256(BUF_CALLS, call_at + CALL_CALLER), 8u);
  write_scratch_u256(frame_at + FRAME_VALUE, read_u256(BUF_CALLS, call_at + CALL_VALUE), 8u);
  scratch[frame_at + FRAME_KIND] = select(FRAME_CALL, FRAME_CREATE, call_u32(CALL_IS_CREATE) != 0u);
  self_acct = acct_touch(address);
  if (self_acct != NOT_FOUND && call_u32(CALL_IS_CREATE) != 0u) {
    acct_mark(self_acct, ACCT_CREATED);
  }
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
  head[OUT_RETURN_LEN] = end_len;
  head[OUT_LOG_COUNT] = log_count;
  head[OUT_LOG_DATA_LEN] = log_data_len;
  head[OUT_JOURNAL_COUNT] = journal_count;
  head[OUT_ACCOUNT_COUNT] = acct_count;
  head[OUT_CODE_WORDS] = code_words;
  head[OUT_PC] = op_pc;
  head[OUT_OP] = select(0u, code_byte(op_pc), op_pc < code_len);
  head[OUT_DEPTH] = depth;
  head[OUT_MAX_DEPTH] = max_depth;
  head[OUT_HOST_CALL] = host_call;
  head[OUT_HOST_GAS] = host_gas.x;
  head[OUT_HOST_GAS + 1u] = host_gas.y;
  head[OUT_HOST_ANSWER] = host_answers_used;
  for (var i = 0u; i < OUT_WORDS + opaque; i++) {
    out[out_at + i] = head[i];
  }
}
