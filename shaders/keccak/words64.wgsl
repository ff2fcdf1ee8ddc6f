//! requires: keccak/f1600
//! requires: keccak/digest

// keccak-256 of exactly 64 bytes made of two u256 stack words, each written as 32 big-endian
// bytes: a || b. This is how Solidity derives a mapping's storage slot, keccak256(key . slot),
// so storage kernels get it without defining an input hook or going through byte memory.
// a, b and the result are u256 limbs (limb 0 = least significant 32 bits), the result being
// what SHA3 over those 64 bytes would push. The whole message plus padding fits one block.
// Build a and b with constant indices (array constructors, not a loop filling a var with a
// runtime index): the loop form kept them in memory and cost about half the throughput on
// lavapipe.
fn keccak256_words64(a: array<u32, 8>, b: array<u32, 8>) -> array<u32, 8> {
  var s: array<vec2<u32>, 25>;
  // Big-endian byte 0 is the top byte of limb 7, and the sponge reads bytes little-endian.
  s[0] = vec2<u32>(keccak_bswap32(a[7]), keccak_bswap32(a[6]));
  s[1] = vec2<u32>(keccak_bswap32(a[5]), keccak_bswap32(a[4]));
  s[2] = vec2<u32>(keccak_bswap32(a[3]), keccak_bswap32(a[2]));
  s[3] = vec2<u32>(keccak_bswap32(a[1]), keccak_bswap32(a[0]));
  s[4] = vec2<u32>(keccak_bswap32(b[7]), keccak_bswap32(b[6]));
  s[5] = vec2<u32>(keccak_bswap32(b[5]), keccak_bswap32(b[4]));
  s[6] = vec2<u32>(keccak_bswap32(b[3]), keccak_bswap32(b[2]));
  s[7] = vec2<u32>(keccak_bswap32(b[1]), keccak_bswap32(b[0]));
  // Padding: 0x01 at byte 64 (lane 8), 0x80 at byte 135 (top of lane 16).
  s[8] = vec2<u32>(1u, 0u);
  s[16] = vec2<u32>(0u, 0x80000000u);
  keccak_f1600(&s);
  return keccak_digest_to_u256(keccak_squeeze256(&s));
}
