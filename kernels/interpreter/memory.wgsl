//! requires: u256/core interpreter/frame interpreter/gas
// EVM memory: bytes packed 4 per u32 (little-endian within a word, as the keccak hook
// and the host expect) in this invocation's scratch region, PARAMS_MEMORY_WORDS_CAP
// 32-byte words at most. Growing past the region ends the call with ScratchExhausted,
// but only when the growth is affordable: an expansion whose cost alone exceeds the gas
// left is OutOfGas, as in the reference, however far past the region it reaches.
//
// Every byte that moves between memory, the blob (calldata, code), the output region
// and the step's register goes through one copy loop, run at most once per step.

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

// Zeroes the newly covered words: scratch slots are reused between calls.
fn mem_grow(words: u32) {
  for (var i = mem_words * 8u; i < words * 8u; i++) {
    scratch[mem_at + i] = 0u;
  }
  mem_words = max(mem_words, words);
}

// The four bytes at i (any alignment) as a little-endian word.
fn mem_le32(i: u32) -> u32 {
  let w = mem_at + (i >> 2u);
  let sh = (i & 3u) * 8u;
  let lo = scratch[w] >> sh;
  if (sh == 0u) {
    return lo;
  }
  return lo | (scratch[w + 1u] << (32u - sh));
}

// Copy endpoints.
const CP_MEM = 1u;
const CP_BLOB = 2u;
// The step's register `reg`, as the 32 big-endian bytes of a word (MLOAD's result,
// MSTORE's operand, CALLDATALOAD's result).
const CP_REG = 3u;
const CP_OUT = 4u;

// The pending copy of a step: cp_n bytes from source offset cp_src_off to destination
// offset cp_dst_off. A blob source is the byte string at word cp_src_at of length
// cp_src_len, zero past its end; an output destination starts at word cp_dst_at.
var<private> cp_n: u32;
var<private> cp_src: u32;
var<private> cp_src_at: u32;
var<private> cp_src_len: u32;
var<private> cp_src_off: u32;
var<private> cp_dst: u32;
var<private> cp_dst_at: u32;
var<private> cp_dst_off: u32;
var<private> reg: u256;

fn copy_request(n: u32, src: u32, src_at: u32, src_len: u32, src_off: u32, dst: u32, dst_at: u32, dst_off: u32) {
  cp_n = n;
  cp_src = src;
  cp_src_at = src_at;
  cp_src_len = src_len;
  cp_src_off = src_off;
  cp_dst = dst;
  cp_dst_at = dst_at;
  cp_dst_off = dst_off;
}

// Source byte at absolute offset s (i bytes into the copy); a wrapped offset is past
// every source's end.
fn src_byte(s: u32, i: u32) -> u32 {
  if (cp_src == CP_MEM) {
    return (scratch[mem_at + (s >> 2u)] >> ((s & 3u) * 8u)) & 0xffu;
  }
  if (cp_src == CP_REG) {
    return (reg[7u - (s >> 2u)] >> ((3u - (s & 3u)) * 8u)) & 0xffu;
  }
  if (s < i || s >= cp_src_len) {
    return 0u;
  }
  return blob_byte(cp_src_at, s);
}

// Four source bytes at a word-aligned offset s, the whole word inside the source.
fn src_word(s: u32) -> u32 {
  if (cp_src == CP_MEM) {
    return scratch[mem_at + (s >> 2u)];
  }
  if (cp_src == CP_REG) {
    return bswap32(reg[7u - (s >> 2u)]);
  }
  return blob[cp_src_at + (s >> 2u)];
}

fn dst_word(d: u32) -> u32 {
  if (cp_dst == CP_MEM) {
    return scratch[mem_at + (d >> 2u)];
  }
  if (cp_dst == CP_REG) {
    return bswap32(reg[7u - (d >> 2u)]);
  }
  return out[cp_dst_at + (d >> 2u)];
}

fn set_dst_word(d: u32, v: u32) {
  if (cp_dst == CP_MEM) {
    scratch[mem_at + (d >> 2u)] = v;
  } else if (cp_dst == CP_REG) {
    reg[7u - (d >> 2u)] = bswap32(v);
  } else {
    out[cp_dst_at + (d >> 2u)] = v;
  }
}

// Runs the pending copy: whole words where source and destination are both aligned and
// the source has them, single bytes elsewhere. A memory-to-memory copy whose destination
// is above its source runs backwards a byte at a time, so every source byte is read
// before it is overwritten (MCOPY behaves as if through a buffer).
fn run_copy() {
  let n = cp_n;
  let backwards = cp_src == CP_MEM && cp_dst == CP_MEM && cp_dst_off > cp_src_off;
  var done = 0u;
  loop {
    if (done >= n) {
      break;
    }
    let i = select(done, n - 1u - done, backwards);
    let s = cp_src_off + i;
    let d = cp_dst_off + i;
    let whole = cp_src != CP_BLOB || (s >= i && cp_src_len >= 4u && s <= cp_src_len - 4u);
    if (!backwards && ((s | d) & 3u) == 0u && n - done >= 4u && whole) {
      set_dst_word(d, src_word(s));
      done += 4u;
    } else {
      let sh = (d & 3u) * 8u;
      set_dst_word(d, (dst_word(d) & ~(0xffu << sh)) | (src_byte(s, i) << sh));
      done += 1u;
    }
  }
  cp_n = 0u;
}
