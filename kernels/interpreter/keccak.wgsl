//! requires: keccak/sponge interpreter/frame interpreter/gas interpreter/stack interpreter/memory
// KECCAK256 over this invocation's memory: the sponge's input hook reads the memory
// region directly (memory bytes are packed as the hook expects).

fn keccak_input_word(word_index: u32) -> u32 {
  return scratch[mem_at + word_index];
}

// 30 static gas plus 6 per word hashed, plus memory growth.
fn op_keccak256(sg: u32) -> u32 {
  let off = stack_peek(0u);
  let len = stack_peek(1u);
  let words = u64_mul_sat(u64(words_of(clamp_u32(len))), 6u);
  let s = charge_mem(u64_add_sat(u64(sg), words), mem_expansion(off, len));
  if (s != 0u) {
    return s;
  }
  var n = 0u;
  var at = 0u;
  if (!u256_is_zero(len)) {
    n = len[0];
    at = off[0];
  }
  stack_replace(2u, keccak_digest_to_u256(keccak256(at, n)));
  return 0u;
}
