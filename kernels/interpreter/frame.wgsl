//! requires: u256/core
// The running frame: one message call per invocation, its registers held in private
// variables. Word offsets (`*_at`) locate this invocation's records and regions in the
// shared buffers (params, calls, blob, state, scratch, out: declared by the generated
// prelude from src/gpu/bindings.ts, as every opcode, layout and gas constant is). A later issue runs nested calls on the GPU; a frame then becomes a
// record to push and pop, with these as its fields.
//
// Compile time shapes this kernel. lavapipe turns every storage-buffer access into one
// branch per SIMD lane, unrolls loops whose trip count it knows (copying the accesses
// in them) and inlines every call (copying them again); LLVM's time then grows much
// faster than the code. So each kind of access has as few sites as possible: one
// step fetches its operands in one place and writes its results in one place, all
// memory traffic goes through one copy loop, and cold paths loop over `opaque`-bounded
// counts the compiler cannot unroll.

var<private> call_at: u32;
var<private> out_at: u32;
var<private> stack_at: u32;
var<private> mem_at: u32;
var<private> transient_at: u32;

var<private> code_at: u32;
var<private> code_len: u32;
var<private> jumpdests_at: u32;
var<private> data_at: u32;
var<private> data_len: u32;

var<private> pc: u32;
var<private> sp: u32;
var<private> gas: vec2<u32>;
// The refund counter: a 64-bit two's complement number, as SSTORE may lower it.
var<private> refund: vec2<u32>;
// Memory size in 32-byte words; memory bytes past it are not yet zeroed.
var<private> mem_words: u32;
// Zero, read from PARAMS at run time: `n + opaque` is a loop bound the compiler cannot
// fold, so the loop stays a loop.
var<private> opaque: u32;

fn param(field: u32) -> u32 {
  return params[field];
}

fn call_u32(field: u32) -> u32 {
  return calls[call_at + field];
}

// Byte i of the byte string stored in the blob from word `at`.
fn blob_byte(at: u32, i: u32) -> u32 {
  return (blob[at + (i >> 2u)] >> ((i & 3u) * 8u)) & 0xffu;
}

// Buffer ids for the word readers below.
const BUF_PARAMS = 0u;
const BUF_CALLS = 1u;
const BUF_BLOB = 2u;
const BUF_STATE = 3u;
const BUF_OUT = 4u;

fn buffer_word(buf: u32, at: u32) -> u32 {
  switch buf {
    case BUF_PARAMS: { return params[at]; }
    case BUF_CALLS: { return calls[at]; }
    case BUF_BLOB: { return blob[at]; }
    case BUF_STATE: { return state[at]; }
    default: { return out[at]; }
  }
}

// The u256 at word `at` of a buffer: one access site per buffer for the whole kernel.
fn read_u256(buf: u32, at: u32) -> u256 {
  var r: u256;
  for (var k = 0u; k < 8u + opaque; k++) {
    r[k] = buffer_word(buf, at + k);
  }
  return r;
}

// Whether the low `limbs` limbs of v equal the words at `at` (addresses compare 5).
fn equals_at(buf: u32, at: u32, v: u256, limbs: u32) -> bool {
  var same = true;
  for (var k = 0u; k < limbs + opaque; k++) {
    same = same && buffer_word(buf, at + k) == v[k];
  }
  return same;
}

fn write_out_u256(at: u32, v: u256, limbs: u32) {
  for (var k = 0u; k < limbs + opaque; k++) {
    out[at + k] = v[k];
  }
}

// The low 160 bits of a word, as an address is taken from the stack.
fn to_address(v: u256) -> u256 {
  return u256(v[0], v[1], v[2], v[3], v[4], 0u, 0u, 0u);
}

// A stack word clamped to u32: values at or above 2^32 become 0xffffffff, which every
// caller treats as "past any buffer".
fn clamp_u32(v: u256) -> u32 {
  return select(0xffffffffu, v[0], u256_fits_u32(v));
}

fn bswap32(x: u32) -> u32 {
  return (x << 24u) | ((x << 8u) & 0x00ff0000u) | ((x >> 8u) & 0x0000ff00u) | (x >> 24u);
}
