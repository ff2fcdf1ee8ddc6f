//! requires: u256/core interpreter/frame interpreter/memory interpreter/stack interpreter/accounts
// LOG0..LOG4: LOG records and their data in the call's output region, each naming the
// account that emitted it; the host keeps them only when the call succeeds, and a
// frame that fails drops its own (the frame's end truncates the logs to its mark).
// Data moves through the step's copy.

var<private> log_count: u32;
var<private> log_data_len: u32;

// Records a log of `topics` topics (arg[2..]) and `len` data bytes from memory at off;
// false when the record or data area is full.
fn log_record(topics: u32, off: u32, len: u32) -> bool {
  let padded = (len + 3u) & ~3u;
  if (log_count >= param(PARAMS_LOG_CAP) || padded > param(PARAMS_LOG_DATA_CAP) - log_data_len) {
    return false;
  }
  let r = out_at + param(PARAMS_OUT_LOGS) + log_count * LOG_WORDS;
  out[r + LOG_ACCOUNT] = self_acct;
  out[r + LOG_TOPIC_COUNT] = topics;
  out[r + LOG_DATA_AT] = log_data_len;
  out[r + LOG_DATA_LEN] = len;
  // Constant indices only: an array indexed by a variable is kept in memory.
  if (topics > 0u) { write_out_u256(r + LOG_TOPICS, arg[2], 8u); }
  if (topics > 1u) { write_out_u256(r + LOG_TOPICS + 8u, arg[3], 8u); }
  if (topics > 2u) { write_out_u256(r + LOG_TOPICS + 16u, arg[4], 8u); }
  if (topics > 3u) { write_out_u256(r + LOG_TOPICS + 24u, arg[5], 8u); }
  copy_from_memory(off);
  copy_to(len, CP_REGION, BUF_OUT, (out_at + param(PARAMS_OUT_LOG_DATA)) * 4u, log_data_len);
  log_count += 1u;
  log_data_len += padded;
  return true;
}
