//! requires: u256/core interpreter/frame interpreter/state
// EIP-2929 account access for BALANCE, EXTCODESIZE, EXTCODECOPY, EXTCODEHASH and the
// account reads the conflict validator needs (SELFBALANCE too). The warm set at frame
// start is the call's list in the blob; accounts touched during the call go into the
// ACCESSED records of its output region, which double as its account read set.

var<private> accessed_count: u32;

fn warm_at_start(a: u256) -> bool {
  let at = call_u32(CALL_WARM_ADDRS_AT);
  let n = call_u32(CALL_WARM_ADDRS_COUNT);
  for (var i = 0u; i < n; i++) {
    if (equals_at(BUF_BLOB, at + i * 5u, a, 5u)) {
      return true;
    }
  }
  return false;
}

fn accessed_record(i: u32) -> u32 {
  return out_at + param(PARAMS_OUT_ACCESSED) + i * ACCESSED_WORDS;
}

const ACCESS_WARM = 0u;
const ACCESS_COLD = 1u;
const ACCESS_FULL = 2u;

// Touches account a: warms it when `warm` (SELFBALANCE only reads), records a snapshot
// read when `read`. Says whether it was cold, or ACCESS_FULL when the record area is
// exhausted.
fn access_account(a: u256, warm: bool, read: bool) -> u32 {
  var r = NOT_FOUND;
  for (var i = 0u; i < accessed_count; i++) {
    if (equals_at(BUF_OUT, accessed_record(i) + ACCESSED_ADDRESS, a, 5u)) {
      r = accessed_record(i);
      break;
    }
  }
  if (r == NOT_FOUND) {
    if (accessed_count >= param(PARAMS_ACCESSED_CAP)) {
      return ACCESS_FULL;
    }
    r = accessed_record(accessed_count);
    accessed_count += 1u;
    write_out_u256(r + ACCESSED_ADDRESS, a, 5u);
    out[r + ACCESSED_FLAGS] = select(0u, ACCESSED_WARM, warm_at_start(a));
  }
  let was = out[r + ACCESSED_FLAGS];
  out[r + ACCESSED_FLAGS] = was | select(0u, ACCESSED_WARM, warm) | select(0u, ACCESSED_READ, read);
  return select(ACCESS_COLD, ACCESS_WARM, (was & ACCESSED_WARM) != 0u);
}
