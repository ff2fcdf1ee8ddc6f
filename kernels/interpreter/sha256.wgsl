//! requires: sha256/compress interpreter/frame interpreter/memory
// The sha256 precompile (0x02) over scratch bytes: a call's input in its caller's
// memory, hashed where it lies (interpreter/calls, precompile_call). Memory holds bytes
// little-endian within each word; SHA-256 reads its input as big-endian words, so each
// four bytes are read as one word and swapped. The padding (a 0x80 byte, zeros, the
// length in bits as 64 bits) is made as the last block or two are read.

// The input's message word at byte offset o of n bytes from scratch byte address at,
// padding included: SHA256_PAD at n, zeros after it. Straight-line, without a loop
// over the bytes: engine gpu's warm-up on lavapipe compiled in 68 s with a loop, 54 s
// without (51 s without sha256).
fn sha256_scratch_word(at: u32, n: u32, o: u32) -> u32 {
  if (o + 4u <= n) {
    return bswap32(scratch_le32(at + o));
  }
  if (o > n) {
    return 0u;
  }
  // The word holds the input's last n - o bytes (0..3), first, then the pad byte.
  let kept = n - o;
  var word = 0u;
  if (kept > 0u) {
    word = bswap32(scratch_le32(at + o)) & ~(0xffffffffu >> (8u * kept));
  }
  return word | (SHA256_PAD << (24u - 8u * kept));
}

// SHA-256 of the n scratch bytes from byte address at, written as 32 bytes (the EVM's
// order) to the output buffer from word dst.
fn sha256_scratch(at: u32, n: u32, dst: u32) {
  var state = SHA256_IV;
  // The padding takes at least nine bytes: the 0x80 byte and the 64-bit length.
  let blocks = (n + 9u + 63u) / 64u;
  for (var b = 0u; b < blocks; b++) {
    var w: array<u32, 16>;
    for (var i = 0u; i < 16u; i++) {
      w[i] = sha256_scratch_word(at, n, b * 64u + i * 4u);
    }
    if (b + 1u == blocks) {
      // The length in bits, over the last eight bytes, which the padding leaves zero.
      w[14] = n >> 29u;
      w[15] = n << 3u;
    }
    sha256_compress(&state, &w);
  }
  for (var i = 0u; i < 8u; i++) {
    out[dst + i] = bswap32(state[i]);
  }
}
