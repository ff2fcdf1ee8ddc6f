//! requires: u256/core interpreter/frame
// Jump targets are checked against the code's JUMPDEST bitmap, computed once per code
// on the host (src/evm/code-analysis.ts): bit i set when offset i is a JUMPDEST opcode
// rather than PUSH data.

fn is_jumpdest(dest: u256) -> bool {
  if (!u256_fits_u32(dest) || dest[0] >= code_len) {
    return false;
  }
  let d = dest[0];
  return ((blob[jumpdests_at + (d >> 5u)] >> (d & 31u)) & 1u) != 0u;
}
