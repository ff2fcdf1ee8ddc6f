// keccak-f[1600] on 64-bit lanes held as vec2<u32> (x = low 32 bits, y = high 32 bits),
// because WGSL has no 64-bit integers. Lane (x, y) of the state is element x + 5*y, the
// same order in which the sponge XORs its 8-byte little-endian input chunks.

const KECCAK_RC = array<vec2<u32>, 24>(
  vec2<u32>(0x00000001u, 0x00000000u),
  vec2<u32>(0x00008082u, 0x00000000u),
  vec2<u32>(0x0000808au, 0x80000000u),
  vec2<u32>(0x80008000u, 0x80000000u),
  vec2<u32>(0x0000808bu, 0x00000000u),
  vec2<u32>(0x80000001u, 0x00000000u),
  vec2<u32>(0x80008081u, 0x80000000u),
  vec2<u32>(0x00008009u, 0x80000000u),
  vec2<u32>(0x0000008au, 0x00000000u),
  vec2<u32>(0x00000088u, 0x00000000u),
  vec2<u32>(0x80008009u, 0x00000000u),
  vec2<u32>(0x8000000au, 0x00000000u),
  vec2<u32>(0x8000808bu, 0x00000000u),
  vec2<u32>(0x0000008bu, 0x80000000u),
  vec2<u32>(0x00008089u, 0x80000000u),
  vec2<u32>(0x00008003u, 0x80000000u),
  vec2<u32>(0x00008002u, 0x80000000u),
  vec2<u32>(0x00000080u, 0x80000000u),
  vec2<u32>(0x0000800au, 0x00000000u),
  vec2<u32>(0x8000000au, 0x80000000u),
  vec2<u32>(0x80008081u, 0x80000000u),
  vec2<u32>(0x00008080u, 0x80000000u),
  vec2<u32>(0x80000001u, 0x00000000u),
  vec2<u32>(0x80008008u, 0x80000000u),
);

// Rotates a 64-bit lane left by n (0..63). The cases are split so that no 32-bit shift is by
// 0 or 32: WGSL takes runtime shift amounts modulo 32, so `x >> (32 - 0)` would not be zero.
// Every call site passes a constant, so the branches fold away once the compiler inlines.
fn keccak_rotl64(v: vec2<u32>, n: u32) -> vec2<u32> {
  if (n == 0u) { return v; }
  if (n == 32u) { return v.yx; }
  if (n < 32u) {
    return vec2<u32>((v.x << n) | (v.y >> (32u - n)), (v.y << n) | (v.x >> (32u - n)));
  }
  let m = n - 32u;
  return vec2<u32>((v.y << m) | (v.x >> (32u - m)), (v.x << m) | (v.y >> (32u - m)));
}

// The permutation works on a private copy indexed only by constants, so the compiler can keep
// all 25 lanes in registers; the caller's state may be indexed dynamically (absorption) and
// would otherwise force every round through memory. Rho and pi are fused: each b below is
// the rotated lane that pi moves to that position, and chi then reads rows of b.
fn keccak_f1600(s: ptr<function, array<vec2<u32>, 25>>) {
  var a = *s;
  for (var round = 0u; round < 24u; round++) {
    let c0 = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20];
    let c1 = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21];
    let c2 = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22];
    let c3 = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23];
    let c4 = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24];
    let d0 = c4 ^ keccak_rotl64(c1, 1u);
    let d1 = c0 ^ keccak_rotl64(c2, 1u);
    let d2 = c1 ^ keccak_rotl64(c3, 1u);
    let d3 = c2 ^ keccak_rotl64(c4, 1u);
    let d4 = c3 ^ keccak_rotl64(c0, 1u);

    let b00 = a[0] ^ d0;
    let b01 = keccak_rotl64(a[6] ^ d1, 44u);
    let b02 = keccak_rotl64(a[12] ^ d2, 43u);
    let b03 = keccak_rotl64(a[18] ^ d3, 21u);
    let b04 = keccak_rotl64(a[24] ^ d4, 14u);
    let b05 = keccak_rotl64(a[3] ^ d3, 28u);
    let b06 = keccak_rotl64(a[9] ^ d4, 20u);
    let b07 = keccak_rotl64(a[10] ^ d0, 3u);
    let b08 = keccak_rotl64(a[16] ^ d1, 45u);
    let b09 = keccak_rotl64(a[22] ^ d2, 61u);
    let b10 = keccak_rotl64(a[1] ^ d1, 1u);
    let b11 = keccak_rotl64(a[7] ^ d2, 6u);
    let b12 = keccak_rotl64(a[13] ^ d3, 25u);
    let b13 = keccak_rotl64(a[19] ^ d4, 8u);
    let b14 = keccak_rotl64(a[20] ^ d0, 18u);
    let b15 = keccak_rotl64(a[4] ^ d4, 27u);
    let b16 = keccak_rotl64(a[5] ^ d0, 36u);
    let b17 = keccak_rotl64(a[11] ^ d1, 10u);
    let b18 = keccak_rotl64(a[17] ^ d2, 15u);
    let b19 = keccak_rotl64(a[23] ^ d3, 56u);
    let b20 = keccak_rotl64(a[2] ^ d2, 62u);
    let b21 = keccak_rotl64(a[8] ^ d3, 55u);
    let b22 = keccak_rotl64(a[14] ^ d4, 39u);
    let b23 = keccak_rotl64(a[15] ^ d0, 41u);
    let b24 = keccak_rotl64(a[21] ^ d1, 2u);

    a[0] = b00 ^ (~b01 & b02);
    a[1] = b01 ^ (~b02 & b03);
    a[2] = b02 ^ (~b03 & b04);
    a[3] = b03 ^ (~b04 & b00);
    a[4] = b04 ^ (~b00 & b01);
    a[5] = b05 ^ (~b06 & b07);
    a[6] = b06 ^ (~b07 & b08);
    a[7] = b07 ^ (~b08 & b09);
    a[8] = b08 ^ (~b09 & b05);
    a[9] = b09 ^ (~b05 & b06);
    a[10] = b10 ^ (~b11 & b12);
    a[11] = b11 ^ (~b12 & b13);
    a[12] = b12 ^ (~b13 & b14);
    a[13] = b13 ^ (~b14 & b10);
    a[14] = b14 ^ (~b10 & b11);
    a[15] = b15 ^ (~b16 & b17);
    a[16] = b16 ^ (~b17 & b18);
    a[17] = b17 ^ (~b18 & b19);
    a[18] = b18 ^ (~b19 & b15);
    a[19] = b19 ^ (~b15 & b16);
    a[20] = b20 ^ (~b21 & b22);
    a[21] = b21 ^ (~b22 & b23);
    a[22] = b22 ^ (~b23 & b24);
    a[23] = b23 ^ (~b24 & b20);
    a[24] = b24 ^ (~b20 & b21);

    a[0] = a[0] ^ KECCAK_RC[round];
  }
  *s = a;
}
