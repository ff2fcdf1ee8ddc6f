//! requires: keccak/f1600 keccak/digest interpreter/frame interpreter/memory
// keccak-256 of scratch bytes: KECCAK256 over memory, and a create's address from its
// preimage (interpreter/calls), from one call site. The sponge of shaders/keccak/sponge.wgsl
// absorbs full blocks and the padded final block in two loops, each calling the
// permutation, and reads its input at many unrolled sites; this one walks the padded
// message one word at a time through a single loop, a single memory read and a single
// permutation, which keeps the interpreter kernel's compile time down.

// keccak-256 of the scratch bytes [base, base + len) (byte addresses), as the u256
// KECCAK256 pushes.
fn keccak_scratch(base: u32, len: u32) -> u256 {
  var s: array<vec2<u32>, 25>;
  var block: array<u32, 34>;
  // The padded message: len bytes, 0x01, zeros, 0x80 on the last byte of its block.
  let total = (len / 136u + 1u) * 136u;
  var c = 0u;
  for (var at = 0u; at < total; at += 4u) {
    var w = 0u;
    if (at < len) {
      w = scratch_le32(base + at);
      if (len - at < 4u) {
        w &= (1u << (8u * (len - at))) - 1u;
      }
    }
    if (at <= len && len - at < 4u) {
      w |= 1u << (8u * (len - at));
    }
    if (at + 4u == total) {
      w |= 0x80000000u;
    }
    block[c] = w;
    c += 1u;
    if (c == 34u) {
      for (var l = 0u; l < 17u; l++) {
        s[l] ^= vec2<u32>(block[2u * l], block[2u * l + 1u]);
      }
      keccak_f1600(&s);
      c = 0u;
    }
  }
  return keccak_digest_to_u256(keccak_squeeze256(&s));
}
