//! requires: u256/core interpreter/frame
// Jump targets are checked against the running code's JUMPDEST bitmap: bit i set when
// offset i is a JUMPDEST opcode rather than PUSH data. Computed once per code on the
// host (src/evm/code-analysis.ts) for code in the blob, by the kernel for code it runs
// from memory or deposited itself (analyse_jumpdests, interpreter/calls).

fn is_jumpdest(dest: u256) -> bool {
  if (!u256_fits_u32(dest) || dest[0] >= code_len) {
    return false;
  }
  let d = dest[0];
  return ((buffer_word(jd_buf, jd_at + (d >> 5u)) >> (d & 31u)) & 1u) != 0u;
}
