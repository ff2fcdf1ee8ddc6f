//! requires: u256/core interpreter/frame interpreter/gas interpreter/stack interpreter/memory interpreter/output
// LOG0..LOG4: LOG records and their data in the call's output region, kept only when
// the call succeeds (the host drops them otherwise). Calls run at depth 0, never in a
// static context.

var<private> log_count: u32;
var<private> log_data_len: u32;

// The reference sizes memory and charges 8 gas per data byte from the two items it
// peeks, and pops the topics afterwards.
fn op_log(sg: u32, topics: u32) -> u32 {
  let off = stack_peek(0u);
  let len = stack_peek(1u);
  let data_gas = u64_mul_sat(u64(clamp_u32(len)), 8u);
  let s = charge_mem(u64_add_sat(u64(sg), data_gas), mem_expansion(off, len));
  if (s != 0u) {
    return s;
  }
  if (sp < 2u + topics) {
    return OUTCOME_STACK_UNDERFLOW;
  }
  let n = select(len[0], 0u, u256_is_zero(len));
  let padded = (n + 3u) & ~3u;
  if (log_count >= param(PARAMS_LOG_CAP) || padded > param(PARAMS_LOG_DATA_CAP) - log_data_len) {
    return OUTCOME_SCRATCH_EXHAUSTED;
  }
  let r = out_at + param(PARAMS_OUT_LOGS) + log_count * LOG_WORDS;
  out[r + LOG_TOPIC_COUNT] = topics;
  out[r + LOG_DATA_AT] = log_data_len;
  out[r + LOG_DATA_LEN] = n;
  for (var t = 0u; t < topics; t++) {
    let v = stack_peek(2u + t);
    for (var k = 0u; k < 8u; k++) {
      out[r + LOG_TOPICS + t * 8u + k] = v[k];
    }
  }
  copy_memory_out(out_at + param(PARAMS_OUT_LOG_DATA) + log_data_len / 4u, off[0], n);
  log_count += 1u;
  log_data_len += padded;
  sp -= 2u + topics;
  return 0u;
}
