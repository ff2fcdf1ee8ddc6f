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

fn hash_words(seed: u32, v: u256, limbs: u32) -> u32 {
  var h = seed;
  for (var i = 0u; i < limbs; i++) {
    h = hash_mix(h, v[i]);
  }
  return h;
}

// Index of the account in the account table, or NOT_FOUND (an absent account is empty).
fn account_find(a: u256) -> u32 {
  let base = param(PARAMS_ACCOUNTS_AT);
  let mask = param(PARAMS_ACCOUNTS_MASK);
  var i = hash_words(0x811c9dc5u, a, 5u) & mask;
  for (var n = 0u; n <= mask; n++) {
    let e = base + i * ACCOUNT_WORDS;
    if (state[e + ACCOUNT_USED] == 0u) {
      return NOT_FOUND;
    }
    if (equals_at(BUF_STATE, e + ACCOUNT_ADDRESS, a, 5u)) {
      return i;
    }
    i = (i + 1u) & mask;
  }
  return NOT_FOUND;
}

// Word offset of an account's field in the state buffer.
fn account_field(index: u32, field: u32) -> u32 {
  return param(PARAMS_ACCOUNTS_AT) + index * ACCOUNT_WORDS + field;
}

// Word offset of the snapshot value of (account, key), or NOT_FOUND when absent (zero).
fn slot_find(account: u32, key: u256) -> u32 {
  if (account == NOT_FOUND) {
    return NOT_FOUND;
  }
  let tag = account + 1u;
  let base = param(PARAMS_SLOTS_AT);
  let mask = param(PARAMS_SLOTS_MASK);
  var i = hash_words(hash_mix(0x811c9dc5u, tag), key, 8u) & mask;
  for (var n = 0u; n <= mask; n++) {
    let e = base + i * SLOT_WORDS;
    let t = state[e + SLOT_ACCOUNT];
    if (t == 0u) {
      return NOT_FOUND;
    }
    if (t == tag && equals_at(BUF_STATE, e + SLOT_KEY, key, 8u)) {
      return e + SLOT_VALUE;
    }
    i = (i + 1u) & mask;
  }
  return NOT_FOUND;
}
