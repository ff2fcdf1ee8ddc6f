//! requires: u256/all interpreter/frame interpreter/state
// Block opcodes 0x40-0x4a read the dispatch-wide block context (PARAMS); BLOBHASH reads
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
    case 0x41u: { return PARAMS_COINBASE; }
    case 0x42u: { return PARAMS_TIMESTAMP; }
    case 0x43u: { return PARAMS_NUMBER; }
    case 0x44u: { return PARAMS_PREV_RANDAO; }
    case 0x45u: { return PARAMS_GAS_LIMIT; }
    case 0x46u: { return PARAMS_CHAIN_ID; }
    case 0x48u: { return PARAMS_BASE_FEE; }
    default: { return PARAMS_BLOB_BASE_FEE; }
  }
}
