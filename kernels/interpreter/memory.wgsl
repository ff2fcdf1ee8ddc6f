//! requires: u256/core interpreter/frame interpreter/gas interpreter/stack
// EVM memory: bytes packed 4 per u32 (little-endian within a word, as the keccak hook
// and the host expect) in this invocation's scratch region, PARAMS_MEMORY_WORDS_CAP
// 32-byte words at most. Growing past the region ends the call with ScratchExhausted,
// but only when the growth is affordable: an expansion whose cost alone exceeds the gas
// left is OutOfGas, as in the reference, however far past the region it reaches.

// The outcome of sizing one memory access: the words memory would have afterwards, the
// gas that growth costs, and whether it fits the region. When it does not fit, `cost`
// is a lower bound (offsets past 2^32 are clamped), which is all OutOfGas needs.
struct MemExp {
  words: u32,
  cost: vec2<u32>,
  fits: bool,
}

// What touching len bytes at off needs. Zero-length accesses never grow memory, at any
// offset (the yellow paper's rule, which the reference follows).
fn mem_expansion(off: u256, len: u256) -> MemExp {
  var m: MemExp;
  m.words = mem_words;
  m.fits = true;
  if (u256_is_zero(len)) {
    return m;
  }
  var end = 0xffffffffu;
  if (u256_fits_u32(off) && u256_fits_u32(len) && off[0] + len[0] >= off[0]) {
    end = off[0] + len[0];
  }
  let words = words_of(end);
  if (words <= mem_words) {
    return m;
  }
  m.words = words;
  m.cost = u64_sub(memory_cost(words), memory_cost(mem_words));
  m.fits = end != 0xffffffffu && words <= param(PARAMS_MEMORY_WORDS_CAP);
  return m;
}

// The larger of two accesses' needs (MCOPY touches a source and a destination).
fn mem_expansion_max(a: MemExp, b: MemExp) -> MemExp {
  var m = a;
  if (b.words > a.words) {
    m.words = b.words;
  }
  if (u64_lt(a.cost, b.cost)) {
    m.cost = b.cost;
  }
  m.fits = a.fits && b.fits;
  return m;
}

// Charges `base` plus the growth in one step, as the reference charges an opcode's
// whole dynamic cost at once, then grows memory. Returns 0 or the outcome that ends
// the call.
fn charge_mem(base: vec2<u32>, m: MemExp) -> u32 {
  let total = u64_add_sat(base, m.cost);
  if (u64_lt(gas, total)) {
    return OUTCOME_OUT_OF_GAS;
  }
  if (!m.fits) {
    return OUTCOME_SCRATCH_EXHAUSTED;
  }
  gas = u64_sub(gas, total);
  mem_grow(m.words);
  return 0u;
}

// Zeroes the newly covered words: scratch slots are reused between calls.
fn mem_grow(words: u32) {
  if (words <= mem_words) {
    return;
  }
  for (var i = mem_words * 8u; i < words * 8u; i++) {
    scratch[mem_at + i] = 0u;
  }
  mem_words = words;
}

fn mem_byte(i: u32) -> u32 {
  return (scratch[mem_at + (i >> 2u)] >> ((i & 3u) * 8u)) & 0xffu;
}

fn mem_set_byte(i: u32, b: u32) {
  let w = mem_at + (i >> 2u);
  let sh = (i & 3u) * 8u;
  scratch[w] = (scratch[w] & ~(0xffu << sh)) | ((b & 0xffu) << sh);
}

// The four bytes at i (any alignment) as a little-endian word.
fn mem_le32(i: u32) -> u32 {
  let w = mem_at + (i >> 2u);
  let sh = (i & 3u) * 8u;
  if (sh == 0u) {
    return scratch[w];
  }
  return (scratch[w] >> sh) | (scratch[w + 1u] << (32u - sh));
}

fn bswap32(x: u32) -> u32 {
  return (x << 24u) | ((x << 8u) & 0x00ff0000u) | ((x >> 8u) & 0x0000ff00u) | (x >> 24u);
}

// The 32 bytes at off as a big-endian word (MLOAD); memory already covers them.
fn mem_load_word(off: u32) -> u256 {
  var r: u256;
  for (var i = 0u; i < 8u; i++) {
    r[7u - i] = bswap32(mem_le32(off + 4u * i));
  }
  return r;
}

// Writes four bytes at i (any alignment) given as a little-endian word.
fn mem_store_le32(i: u32, v: u32) {
  let w = mem_at + (i >> 2u);
  let sh = (i & 3u) * 8u;
  if (sh == 0u) {
    scratch[w] = v;
    return;
  }
  scratch[w] = (scratch[w] & ((1u << sh) - 1u)) | (v << sh);
  scratch[w + 1u] = (scratch[w + 1u] & ~((1u << sh) - 1u)) | (v >> (32u - sh));
}

fn mem_store_word(off: u32, v: u256) {
  for (var i = 0u; i < 8u; i++) {
    mem_store_le32(off + 4u * i, bswap32(v[7u - i]));
  }
}

// Source of a copy into memory: a byte string in the blob (calldata, code) or memory
// itself (MCOPY). Bytes past `len` read as zero.
const SRC_BLOB = 0u;
const SRC_MEMORY = 1u;

fn src_byte(kind: u32, at: u32, len: u32, i: u32) -> u32 {
  if (i >= len) {
    return 0u;
  }
  if (kind == SRC_MEMORY) {
    return mem_byte(i);
  }
  return blob_byte(at, i);
}

// Copies n bytes from source offset src (clamped: past-the-end reads zero) to memory at
// dst, a destination word at a time. Overlapping memory-to-memory copies run backwards
// when the destination is above the source, so every source byte is read before it is
// overwritten (MCOPY behaves as if through a buffer).
fn mem_copy_in(dst: u32, kind: u32, at: u32, len: u32, src: u32, n: u32) {
  if (n == 0u) {
    return;
  }
  let first = dst >> 2u;
  let last = (dst + n - 1u) >> 2u;
  let backwards = kind == SRC_MEMORY && dst > src;
  let count = last - first + 1u;
  for (var k = 0u; k < count; k++) {
    let w = select(first + k, last - k, backwards);
    var word = scratch[mem_at + w];
    for (var b = 0u; b < 4u; b++) {
      let p = w * 4u + b;
      if (p >= dst && p - dst < n) {
        let s = src + (p - dst);
        // An offset that wrapped past 2^32 is past every source's end.
        var v = 0u;
        if (s >= src) {
          v = src_byte(kind, at, len, s);
        }
        word = (word & ~(0xffu << (8u * b))) | (v << (8u * b));
      }
    }
    scratch[mem_at + w] = word;
  }
}

// MLOAD, MSTORE, MSTORE8: the reference sizes memory from the offset alone (it peeks
// one item), then pops.
fn op_mload(sg: u32) -> u32 {
  let off = stack_peek(0u);
  let s = charge_mem(u64(sg), mem_expansion(off, u256_from_u32(32u)));
  if (s != 0u) {
    return s;
  }
  stack_set(0u, mem_load_word(off[0]));
  return 0u;
}

fn op_mstore(sg: u32, one_byte: bool) -> u32 {
  let off = stack_peek(0u);
  let s = charge_mem(u64(sg), mem_expansion(off, u256_from_u32(select(32u, 1u, one_byte))));
  if (s != 0u) {
    return s;
  }
  if (sp < 2u) {
    return OUTCOME_STACK_UNDERFLOW;
  }
  let v = stack_peek(1u);
  sp -= 2u;
  if (one_byte) {
    mem_set_byte(off[0], v[0]);
  } else {
    mem_store_word(off[0], v);
  }
  return 0u;
}

fn op_msize() {
  stack_push(u256_from_u32(mem_words * 32u));
}

// The dynamic part shared by every copy into memory: memory growth for [dst, dst + n)
// plus 3 gas per word copied, on top of the opcode's static gas.
fn charge_copy(sg: u32, dst: u256, n: u256) -> u32 {
  let copy = u64_mul_sat(u64(words_of(clamp_u32(n))), 3u);
  return charge_mem(u64_add_sat(u64(sg), copy), mem_expansion(dst, n));
}

// MCOPY (EIP-5656): memory grows to cover both ranges.
fn op_mcopy(sg: u32) -> u32 {
  let dst = stack_peek(0u);
  let src = stack_peek(1u);
  let n = stack_peek(2u);
  let copy = u64_mul_sat(u64(words_of(clamp_u32(n))), 3u);
  let m = mem_expansion_max(mem_expansion(src, n), mem_expansion(dst, n));
  let s = charge_mem(u64_add_sat(u64(sg), copy), m);
  if (s != 0u) {
    return s;
  }
  sp -= 3u;
  mem_copy_in(dst[0], SRC_MEMORY, 0u, mem_words * 32u, src[0], n[0]);
  return 0u;
}
