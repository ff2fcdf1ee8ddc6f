//! requires: u256/core interpreter/frame
// The snapshot every call of a dispatch reads: two open-addressing tables with linear
// probing in the state buffer, built on the host (src/gpu/state-tables.ts) with the
// same hash. Tables are at most half full, so a probe always meets an empty slot.
// Nothing writes them during a dispatch: calls cannot see each other.

const NOT_FOUND = 0xffffffffu;

fn hash_mix(h: u32, w: u32) -> u32 {
  let x = (h ^ w) * 0x9e3779b1u;
  return x ^ (x >> 15u);
}

fn hash_address(a: u256) -> u32 {
  var h = 0x811c9dc5u;
  for (var i = 0u; i < 5u; i++) {
    h = hash_mix(h, a[i]);
  }
  return h;
}

fn hash_slot(account: u32, key: u256) -> u32 {
  var h = hash_mix(0x811c9dc5u, account);
  for (var i = 0u; i < 8u; i++) {
    h = hash_mix(h, key[i]);
  }
  return h;
}

// Index of the account in the account table, or NOT_FOUND (an absent account is empty).
fn account_find(a: u256) -> u32 {
  let base = param(PARAMS_ACCOUNTS_AT);
  let mask = param(PARAMS_ACCOUNTS_MASK);
  var i = hash_address(a) & mask;
  for (var n = 0u; n <= mask; n++) {
    let e = base + i * ACCOUNT_WORDS;
    if (state[e + ACCOUNT_USED] == 0u) {
      return NOT_FOUND;
    }
    var same = true;
    for (var k = 0u; k < 5u; k++) {
      same = same && state[e + ACCOUNT_ADDRESS + k] == a[k];
    }
    if (same) {
      return i;
    }
    i = (i + 1u) & mask;
  }
  return NOT_FOUND;
}

fn account_word(index: u32, field: u32) -> u32 {
  return state[param(PARAMS_ACCOUNTS_AT) + index * ACCOUNT_WORDS + field];
}

// An account's u256 field; zero for an absent account.
fn account_u256(index: u32, field: u32) -> u256 {
  var r = u256_zero();
  if (index != NOT_FOUND) {
    let e = param(PARAMS_ACCOUNTS_AT) + index * ACCOUNT_WORDS + field;
    for (var k = 0u; k < 8u; k++) {
      r[k] = state[e + k];
    }
  }
  return r;
}

// The snapshot value of (account, key); zero when absent.
fn slot_value(account: u32, key: u256) -> u256 {
  var r = u256_zero();
  if (account == NOT_FOUND) {
    return r;
  }
  let tag = account + 1u;
  let base = param(PARAMS_SLOTS_AT);
  let mask = param(PARAMS_SLOTS_MASK);
  var i = hash_slot(tag, key) & mask;
  for (var n = 0u; n <= mask; n++) {
    let e = base + i * SLOT_WORDS;
    let t = state[e + SLOT_ACCOUNT];
    if (t == 0u) {
      return r;
    }
    var same = t == tag;
    for (var k = 0u; k < 8u; k++) {
      same = same && state[e + SLOT_KEY + k] == key[k];
    }
    if (same) {
      for (var k = 0u; k < 8u; k++) {
        r[k] = state[e + SLOT_VALUE + k];
      }
      return r;
    }
    i = (i + 1u) & mask;
  }
  return r;
}
