//! requires: u256/core interpreter/frame interpreter/state
// EIP-2929 account access for BALANCE, EXTCODESIZE, EXTCODECOPY, EXTCODEHASH and the
// account reads the conflict validator needs. The warm set at frame start is the call's
// list in the blob; accounts touched during the call go into the ACCESSED records of
// its output region, which double as its account read set.

var<private> accessed_count: u32;

fn warm_at_start(a: u256) -> bool {
  let at = call_u32(CALL_WARM_ADDRS_AT);
  let n = call_u32(CALL_WARM_ADDRS_COUNT);
  for (var i = 0u; i < n; i++) {
    var same = true;
    for (var k = 0u; k < 5u; k++) {
      same = same && blob[at + i * 5u + k] == a[k];
    }
    if (same) {
      return true;
    }
  }
  return false;
}

fn accessed_record(i: u32) -> u32 {
  return out_at + param(PARAMS_OUT_ACCESSED) + i * ACCESSED_WORDS;
}

// The record for a, or NOT_FOUND.
fn accessed_find(a: u256) -> u32 {
  for (var i = 0u; i < accessed_count; i++) {
    let r = accessed_record(i);
    var same = true;
    for (var k = 0u; k < 5u; k++) {
      same = same && out[r + ACCESSED_ADDRESS + k] == a[k];
    }
    if (same) {
      return r;
    }
  }
  return NOT_FOUND;
}

// A new record for a, warm when it was warm at frame start; NOT_FOUND when full.
fn accessed_add(a: u256) -> u32 {
  if (accessed_count >= param(PARAMS_ACCESSED_CAP)) {
    return NOT_FOUND;
  }
  let r = accessed_record(accessed_count);
  accessed_count += 1u;
  for (var k = 0u; k < 5u; k++) {
    out[r + ACCESSED_ADDRESS + k] = a[k];
  }
  out[r + ACCESSED_FLAGS] = select(0u, ACCESSED_WARM, warm_at_start(a));
  return r;
}

const ACCESS_WARM = 0u;
const ACCESS_COLD = 1u;
const ACCESS_FULL = 2u;

// Touches account a: warms it, records a snapshot read when `read` (SELFBALANCE reads
// without warming: `warm` false). Says whether it was cold, or ACCESS_FULL when the
// record area is exhausted.
fn access_account(a: u256, warm: bool, read: bool) -> u32 {
  var r = accessed_find(a);
  if (r == NOT_FOUND) {
    r = accessed_add(a);
    if (r == NOT_FOUND) {
      return ACCESS_FULL;
    }
  }
  let was = out[r + ACCESSED_FLAGS];
  out[r + ACCESSED_FLAGS] = was | select(0u, ACCESSED_WARM, warm) | select(0u, ACCESSED_READ, read);
  return select(ACCESS_COLD, ACCESS_WARM, (was & ACCESSED_WARM) != 0u);
}
