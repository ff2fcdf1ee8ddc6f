//! requires: u256/core interpreter/frame
// The snapshot every call of a dispatch reads: two open-addressing tables with linear
// probing in the state buffer, built on the host (src/gpu/state-tables.ts) with the
// same hash, and each call's override entries after them: the accounts its own
// transaction rules changed before it starts (the sender charged, the value moved),
// read before the table. Tables are at most half full, so a probe always meets an
// empty slot. Nothing writes them during a dispatch: calls cannot see each other.

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

// Word offset of the ACCOUNT entry the call sees for address a (its override, else
// the table's), or NOT_FOUND (an absent account is empty).
fn account_entry(a: u256) -> u32 {
  let overrides = call_u32(CALL_OVERRIDES_AT);
  for (var k = 0u; k < call_u32(CALL_OVERRIDES_COUNT); k++) {
    let e = overrides + k * ACCOUNT_WORDS;
    if (equals_at(BUF_STATE, e + ACCOUNT_ADDRESS, a, 5u)) {
      return e;
    }
  }
  let base = param(PARAMS_ACCOUNTS_AT);
  let mask = param(PARAMS_ACCOUNTS_MASK);
  var i = hash_words(0x811c9dc5u, a, 5u) & mask;
  for (var n = 0u; n <= mask; n++) {
    let e = base + i * ACCOUNT_WORDS;
    if (state[e + ACCOUNT_USED] == 0u) {
      return NOT_FOUND;
    }
    if (equals_at(BUF_STATE, e + ACCOUNT_ADDRESS, a, 5u)) {
      return e;
    }
    i = (i + 1u) & mask;
  }
  return NOT_FOUND;
}

// A word of an entry, or 0 for an absent account.
fn entry_u32(e: u32, field: u32) -> u32 {
  if (e == NOT_FOUND) {
    return 0u;
  }
  return state[e + field];
}

// Word offset of the snapshot value of the slot `key` of the account with slot tag
// `tag`, or NOT_FOUND when absent (zero).
fn slot_find(tag: u32, key: u256) -> u32 {
  if (tag == 0u) {
    return NOT_FOUND;
  }
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
