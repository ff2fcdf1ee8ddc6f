// The keccak-256 output side, shared by every way of feeding the sponge.
//
// Two conventions meet here. A digest is 32 bytes packed 4 per u32 little-endian (word 0 holds
// bytes 0..3, byte 0 in the low bits), the packing of a host Uint8Array viewed as Uint32Array,
// so digests copy straight into EVM memory buffers. EVM stack words are u256 values held as
// 8 x u32 little-endian limbs (limb 0 = least significant 32 bits) of the big-endian number the
// bytes spell, which is what SHA3 pushes and what storage-slot keys are compared as.

// WGSL has no byte-reverse builtin.
fn keccak_bswap32(x: u32) -> u32 {
  return (x << 24u) | ((x << 8u) & 0x00ff0000u) | ((x >> 8u) & 0x0000ff00u) | (x >> 24u);
}

// The first 32 bytes of the state are lanes 0..3, already in digest byte order.
fn keccak_squeeze256(s: ptr<function, array<vec2<u32>, 25>>) -> array<u32, 8> {
  return array<u32, 8>(
    (*s)[0].x, (*s)[0].y, (*s)[1].x, (*s)[1].y,
    (*s)[2].x, (*s)[2].y, (*s)[3].x, (*s)[3].y,
  );
}

// Digest bytes 28..31 are the least significant limb, byte 28 its most significant byte.
fn keccak_digest_to_u256(d: array<u32, 8>) -> array<u32, 8> {
  return array<u32, 8>(
    keccak_bswap32(d[7]), keccak_bswap32(d[6]), keccak_bswap32(d[5]), keccak_bswap32(d[4]),
    keccak_bswap32(d[3]), keccak_bswap32(d[2]), keccak_bswap32(d[1]), keccak_bswap32(d[0]),
  );
}
