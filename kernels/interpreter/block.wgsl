//! requires: u256/all interpreter/frame interpreter/stack
// Block opcodes 0x40-0x4a. The block context is dispatch-wide (PARAMS); BLOBHASH reads
// the call's own list.

// BLOCKHASH n: the hash for number - 256 <= n < number, else zero. The host filled the
// 256-entry window, newest first, with zeros where it knows no hash.
fn op_blockhash() {
  let n = stack_peek(0u);
  let number = param_u256(PARAMS_NUMBER);
  var v = u256_zero();
  if (u256_lt(n, number)) {
    let d = u256_sub(number, n);
    if (u256_fits_u32(d) && d[0] <= 256u) {
      v = param_u256(PARAMS_BLOCK_HASHES + (d[0] - 1u) * 8u);
    }
  }
  stack_set(0u, v);
}

fn op_blobhash() {
  let i = stack_peek(0u);
  var v = u256_zero();
  if (u256_fits_u32(i) && i[0] < call_u32(CALL_BLOB_HASHES_COUNT)) {
    v = blob_u256(call_u32(CALL_BLOB_HASHES_AT) + i[0] * 8u);
  }
  stack_set(0u, v);
}
