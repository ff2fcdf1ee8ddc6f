//! requires: u256/core interpreter/frame interpreter/gas
// EVM memory: bytes packed 4 per u32 (little-endian within a word, as the keccak hook
// and the host expect) in this invocation's scratch region. A frame's memory starts
// where its caller's ends, in one pool of PARAMS memory words per call; growing past
// the pool ends the call with ScratchExhausted, but only when the growth is
// affordable: an expansion whose cost alone exceeds the gas left is OutOfGas, as in
// the reference, however far past the pool it reaches.
//
// Every byte that moves between memory, calldata, code, return data, the output
// region and the step's register goes through one copy loop, run at most once per step.

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
  m.fits = end != 0xffffffffu && words <= mem_cap;
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

// The four scratch bytes at byte address b (any alignment) as a little-endian word.
fn scratch_le32(b: u32) -> u32 {
  let w = b >> 2u;
  let sh = (b & 3u) * 8u;
  let lo = scratch[w] >> sh;
  if (sh == 0u) {
    return lo;
  }
  return lo | (scratch[w + 1u] << (32u - sh));
}

// Copy endpoints: the step's register `reg`, as the 32 big-endian bytes of a word
// (MLOAD's result, MSTORE's operand, CALLDATALOAD's result), or a byte region of a
// buffer (blob, scratch or output) from a byte offset. A source region reads zero
// past its length; memory is the scratch region from the frame's memory on, with no
// length (its accesses were sized first).
const CP_REG = 0u;
const CP_REGION = 1u;

// The pending copy of a step: cp_n bytes from source offset cp_src_off to destination
// offset cp_dst_off.
var<private> cp_n: u32;
var<private> cp_src: u32;
var<private> cp_src_buf: u32;
var<private> cp_src_base: u32;
var<private> cp_src_len: u32;
var<private> cp_src_off: u32;
var<private> cp_dst: u32;
var<private> cp_dst_buf: u32;
var<private> cp_dst_base: u32;
var<private> cp_dst_off: u32;
var<private> reg: u256;

fn copy_from(src: u32, buf: u32, base: u32, len: u32, off: u32) {
  cp_src = src;
  cp_src_buf = buf;
  cp_src_base = base;
  cp_src_len = len;
  cp_src_off = off;
}

fn copy_from_memory(off: u32) {
  copy_from(CP_REGION, BUF_SCRATCH, mem_at * 4u, 0xffffffffu, off);
}

fn copy_to(n: u32, dst: u32, buf: u32, base: u32, off: u32) {
  cp_n = n;
  cp_dst = dst;
  cp_dst_buf = buf;
  cp_dst_base = base;
  cp_dst_off = off;
}

fn copy_to_memory(n: u32, off: u32) {
  copy_to(n, CP_REGION, BUF_SCRATCH, mem_at * 4u, off);
}

// Source byte at offset s (i bytes into the copy); a wrapped offset is past every
// source's end.
fn src_byte(s: u32, i: u32) -> u32 {
  if (cp_src == CP_REG) {
    return (reg[7u - (s >> 2u)] >> ((3u - (s & 3u)) * 8u)) & 0xffu;
  }
  if (s < i || s >= cp_src_len) {
    return 0u;
  }
  return region_byte(cp_src_buf, cp_src_base + s);
}

// A word of a region's buffer at byte address b (aligned).
fn region_word(buf: u32, b: u32) -> u32 {
  if (buf == BUF_BLOB) {
    return blob[b >> 2u];
  }
  if (buf == BUF_SCRATCH) {
    return scratch[b >> 2u];
  }
  return out[b >> 2u];
}

// Four source bytes at offset s, aligned, the whole word inside the source.
fn src_word(s: u32) -> u32 {
  if (cp_src == CP_REG) {
    return bswap32(reg[7u - (s >> 2u)]);
  }
  return region_word(cp_src_buf, cp_src_base + s);
}

// The destination word holding byte address a (the register's bytes from 0).
fn dst_word(a: u32) -> u32 {
  if (cp_dst == CP_REG) {
    return bswap32(reg[7u - (a >> 2u)]);
  }
  return region_word(cp_dst_buf, a);
}

fn set_dst_word(a: u32, v: u32) {
  if (cp_dst == CP_REG) {
    reg[7u - (a >> 2u)] = bswap32(v);
  } else if (cp_dst_buf == BUF_SCRATCH) {
    scratch[a >> 2u] = v;
  } else {
    out[a >> 2u] = v;
  }
}

// Runs the pending copy: whole words where source and destination are both aligned and
// the source has them, single bytes elsewhere. A copy within one buffer whose
// destination is above its source runs backwards a byte at a time, so every source
// byte is read before it is overwritten (MCOPY behaves as if through a buffer).
fn run_copy() {
  let n = cp_n;
  let same = cp_src == CP_REGION && cp_dst == CP_REGION && cp_src_buf == cp_dst_buf;
  let backwards = same && cp_dst_base + cp_dst_off > cp_src_base + cp_src_off;
  let src_align = select(cp_src_base, 0u, cp_src == CP_REG);
  let dst_align = select(cp_dst_base, 0u, cp_dst == CP_REG);
  var done = 0u;
  loop {
    if (done >= n) {
      break;
    }
    let i = select(done, n - 1u - done, backwards);
    let s = cp_src_off + i;
    let d = cp_dst_off + i;
    let a = dst_align + d;
    let whole = cp_src == CP_REG || (s >= i && cp_src_len >= 4u && s <= cp_src_len - 4u);
    if (!backwards && (((src_align + s) | a) & 3u) == 0u && n - done >= 4u && whole) {
      set_dst_word(a, src_word(s));
      done += 4u;
    } else {
      let sh = (a & 3u) * 8u;
      set_dst_word(a, (dst_word(a) & ~(0xffu << sh)) | (src_byte(s, i) << sh));
      done += 1u;
    }
  }
  cp_n = 0u;
}
