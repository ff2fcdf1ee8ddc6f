//! requires: keccak/f1600
//! requires: keccak/digest

// keccak-256 (the original Keccak padding Ethereum uses, not SHA3-256) over a byte range of an
// input the including kernel chooses, so one sponge serves EVM memory, calldata, code or
// storage-slot keys.
//
// Input-hook contract: the kernel that links this file must define
//
//   fn keccak_input_word(word_index: u32) -> u32
//
// returning input word `word_index`, bytes packed 4 per u32 little-endian: input byte i is
// bits 8*(i % 4) .. 8*(i % 4) + 7 of word i / 4 (a host Uint8Array viewed as Uint32Array).
// keccak256(offset, len) calls it only for words that hold at least one byte of
// [offset, offset + len), in increasing order of position, and not at all when len is 0, so
// the hook may bounds-check against that range or read straight from a binding. Bytes of
// those words outside the range are ignored. offset + len must not exceed 2^32 - 1.

const KECCAK256_RATE_BYTES = 136u;

// Four input bytes starting at byte p, all of them inside the hashed range. An unaligned p
// straddles two words; the second is read only then, which keeps reads inside the range.
fn keccak_input_u32_at(p: u32) -> u32 {
  let w = p >> 2u;
  let sh = (p & 3u) * 8u;
  let lo = keccak_input_word(w);
  if (sh == 0u) { return lo; }
  return (lo >> sh) | (keccak_input_word(w + 1u) << (32u - sh));
}

// The last n (1..3) input bytes starting at byte p, in the low bytes, the rest zero so the
// padding can be ORed in.
fn keccak_input_tail(p: u32, n: u32) -> u32 {
  let w = p >> 2u;
  let sh = (p & 3u) * 8u;
  var v = keccak_input_word(w) >> sh;
  if ((p & 3u) + n > 4u) {
    v |= keccak_input_word(w + 1u) << (32u - sh);
  }
  return v & ((1u << (8u * n)) - 1u);
}

// Rate word c (0..33) is the low (even c) or high (odd c) half of lane c / 2.
fn keccak_xor_rate_word(s: ptr<function, array<vec2<u32>, 25>>, c: u32, w: u32) {
  (*s)[c >> 1u][c & 1u] ^= w;
}

// keccak-256 of input bytes [offset, offset + len); the digest in byte packing (see digest.wgsl).
fn keccak256(offset: u32, len: u32) -> array<u32, 8> {
  var s: array<vec2<u32>, 25>;
  var p = offset;
  var left = len;
  while (left >= KECCAK256_RATE_BYTES) {
    for (var l = 0u; l < 17u; l++) {
      s[l] ^= vec2<u32>(keccak_input_u32_at(p + 8u * l), keccak_input_u32_at(p + 8u * l + 4u));
    }
    keccak_f1600(&s);
    p += KECCAK256_RATE_BYTES;
    left -= KECCAK256_RATE_BYTES;
  }

  // The final block always exists (an exact multiple of the rate gets a block of pure padding)
  // and holds 0..135 data bytes, then 0x01, zeros, and 0x80 on its last byte; when the data
  // leave exactly one free byte the two padding bytes coincide as 0x81, which XOR gives.
  let whole = left >> 2u;
  for (var c = 0u; c < whole; c++) {
    keccak_xor_rate_word(&s, c, keccak_input_u32_at(p + 4u * c));
  }
  let rem = left & 3u;
  var last = 1u << (8u * rem);
  if (rem != 0u) {
    last |= keccak_input_tail(p + 4u * whole, rem);
  }
  keccak_xor_rate_word(&s, whole, last);
  s[16].y ^= 0x80000000u;
  keccak_f1600(&s);
  return keccak_squeeze256(&s);
}
