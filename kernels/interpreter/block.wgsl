//! requires: u256/all interpreter/frame interpreter/state
// Block opcodes BLOCKHASH..BLOBBASEFEE read the dispatch-wide block context (PARAMS); BLOBHASH reads
// the call's own list. These give where the pushed word lives, for the step's one read.

// BLOCKHASH n: the hash for number - 256 <= n < number, else zero. The host filled the
// 256-entry window, newest first, with zeros where it knows no hash.
fn blockhash_at(n: u256) -> u32 {
  let number = read_u256(BUF_PARAMS, PARAMS_NUMBER);
  if (u256_lt(n, number)) {
    let d = u256_sub(number, n);
    if (u256_fits_u32(d) && d[0] <= 256u) {
      return PARAMS_BLOCK_HASHES + (d[0] - 1u) * 8u;
    }
  }
  return NOT_FOUND;
}

fn blobhash_at(i: u256) -> u32 {
  if (u256_fits_u32(i) && i[0] < call_u32(CALL_BLOB_HASHES_COUNT)) {
    return call_u32(CALL_BLOB_HASHES_AT) + i[0] * 8u;
  }
  return NOT_FOUND;
}

// Where COINBASE .. BLOBBASEFEE (not BLOCKHASH, SELFBALANCE, BLOBHASH) keep their word.
fn block_field(op: u32) -> u32 {
  switch op {
    case OP_COINBASE: { return PARAMS_COINBASE; }
    case OP_TIMESTAMP: { return PARAMS_TIMESTAMP; }
    case OP_NUMBER: { return PARAMS_NUMBER; }
    case OP_PREVRANDAO: { return PARAMS_PREV_RANDAO; }
    case OP_GASLIMIT: { return PARAMS_GAS_LIMIT; }
    case OP_CHAINID: { return PARAMS_CHAIN_ID; }
    case OP_BASEFEE: { return PARAMS_BASE_FEE; }
    case OP_BLOBBASEFEE, default: { return PARAMS_BLOB_BASE_FEE; }
  }
}
