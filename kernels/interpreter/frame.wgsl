//! requires: u256/core
// The running frame's registers, held in private variables. An invocation runs one
// transaction's call, with every frame it calls: a call pushes the caller's registers
// into its FRAME record in the scratch region and starts the callee with fresh ones;
// the callee's end pops them back (interpreter/calls). Word offsets (`*_at`) locate
// this invocation's records and regions in the shared buffers (params, calls, blob,
// state, scratch, stack, out: declared by the generated prelude from src/gpu/bindings.ts,
// as every opcode, layout and gas constant is).
//
// Compile time shapes this kernel. lavapipe turns every storage-buffer access into one
// branch per SIMD lane, unrolls loops whose trip count it knows (copying the accesses
// in them) and inlines every call (copying them again); LLVM's time then grows much
// faster than the code. So each kind of access has as few sites as possible: one
// step fetches its operands in one place and writes its results in one place, all
// memory traffic goes through one copy loop, the keccak permutation has one call site,
// and cold paths loop over `opaque`-bounded counts the compiler cannot unroll.

var<private> call_at: u32;
var<private> out_at: u32;
// Where this call's ACCT records start (out_at + PARAMS_OUT_ACCOUNTS), read once: every
// account access adds to it.
var<private> accts_at: u32;
// Where this invocation's scratch regions start (frame records, undo log, transient
// storage, the hash preimage) and where its stack pool (an item index into the stack
// buffer) and its memory pool end.
var<private> frames_at: u32;
var<private> undo_at: u32;
var<private> transient_at: u32;
var<private> hash_at: u32;
var<private> stack_end: u32;
var<private> mem_end: u32;

// Byte regions are (buffer, byte offset, length): code and calldata live in the blob
// (the transaction's own), in the scratch region (init code and calldata in a caller's
// memory) or in the output region (code deposited by a create of this call).
var<private> code_buf: u32;
var<private> code_base: u32;
var<private> code_len: u32;
// The code's JUMPDEST bitmap: in the blob, or in the scratch region for code the
// kernel analysed itself (interpreter/calls).
var<private> jd_buf: u32;
var<private> jd_at: u32;
var<private> data_buf: u32;
var<private> data_base: u32;
var<private> data_len: u32;

// The call depth of the running frame (0: the transaction's own) and its record.
var<private> depth: u32;
var<private> frame_at: u32;
var<private> pc: u32;
var<private> sp: u32;
// The frame's stack base: an item index into the stack buffer (item i is its elements
// 2i and 2i + 1).
var<private> stack_at: u32;
// Items this frame's stack may hold: STACK_LIMIT, or less where the pool ends first.
var<private> stack_cap: u32;
var<private> gas: vec2<u32>;
// The refund counter: a 64-bit two's complement number, as SSTORE may lower it. One
// for the whole call: a frame that fails gives it back the value it started with.
var<private> refund: vec2<u32>;
var<private> mem_at: u32;
// Memory size in 32-byte words; memory bytes past it are not yet zeroed.
var<private> mem_words: u32;
// 32-byte words this frame's memory may reach before the pool ends.
var<private> mem_cap: u32;
// The ACCT record of the executing account (ADDRESS).
var<private> self_acct: u32;
// FRAME_STATIC: no state changes (STATICCALL and what it calls).
var<private> frame_flags: u32;
// Bytes of return data of the last call this frame made (interpreter/calls).
var<private> rd_len: u32;
// The compiled kernel's mode and program (kernels/compiled/); the interpreter kernel
// keeps them unused. A frame's own, saved and restored with its registers.
var<private> mode: u32;
var<private> program_at: u32;
// Precompile calls the host runs (interpreter/calls: precompile_call): answers used so
// far; the request that ended the call (address, 0: none, and gas); the output range of
// an answered call, filled after the step's copy put the output in the return region.
var<private> host_answers_used: u32;
var<private> host_call: u32;
var<private> host_gas: vec2<u32>;
var<private> host_ret_off: u32;
var<private> host_ret_n: u32;
// Zero, read from PARAMS at run time: `n + opaque` is a loop bound the compiler cannot
// fold, so the loop stays a loop.
var<private> opaque: u32;

const FRAME_STATIC = 1u;

// The compiled kernel's modes (kernels/compiled/fragment.wgsl says what each does).
const MODE_FAST = 0u;
const MODE_STEP = 1u;
const MODE_INTERPRET = 2u;

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
const BUF_SCRATCH = 5u;

fn buffer_word(buf: u32, at: u32) -> u32 {
  switch buf {
    case BUF_PARAMS: { return params[at]; }
    case BUF_CALLS: { return calls[at]; }
    case BUF_BLOB: { return blob[at]; }
    case BUF_STATE: { return state[at]; }
    case BUF_SCRATCH: { return scratch[at]; }
    default: { return out[at]; }
  }
}

// Byte b of a byte-addressed region of the blob, the output or the scratch region.
fn region_byte(buf: u32, b: u32) -> u32 {
  var w: u32;
  if (buf == BUF_BLOB) {
    w = blob[b >> 2u];
  } else if (buf == BUF_SCRATCH) {
    w = scratch[b >> 2u];
  } else {
    w = out[b >> 2u];
  }
  return (w >> ((b & 3u) * 8u)) & 0xffu;
}

// Byte i of the running code (the caller checks i < code_len).
fn code_byte(i: u32) -> u32 {
  return region_byte(code_buf, code_base + i);
}

// Words move limb by limb through loops the compiler cannot unroll (one access site
// each), and never through a limb index that varies: lavapipe keeps a private array
// indexed by a variable in memory, each access a branch per SIMD lane. So a word is
// shifted one limb per iteration and only its ends are read or written.
fn shift_down(v: u256, top: u32) -> u256 {
  return u256(v[1], v[2], v[3], v[4], v[5], v[6], v[7], top);
}

fn shift_up(v: u256, bottom: u32) -> u256 {
  return u256(bottom, v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
}

// The u256 at word `at` of a buffer: one access site per buffer for the whole kernel.
// The buffer is chosen once, outside the limb loop: where it is not a constant (the
// word an opcode pushes, execute()), buffer_word() in the loop cost six label tests a
// limb, and lavapipe tests a switch's labels one after another.
fn read_u256(buf: u32, at: u32) -> u256 {
  var r: u256;
  switch buf {
    case BUF_PARAMS: {
      for (var k = 0u; k < 8u + opaque; k++) {
        r = shift_down(r, params[at + k]);
      }
    }
    case BUF_CALLS: {
      for (var k = 0u; k < 8u + opaque; k++) {
        r = shift_down(r, calls[at + k]);
      }
    }
    case BUF_BLOB: {
      for (var k = 0u; k < 8u + opaque; k++) {
        r = shift_down(r, blob[at + k]);
      }
    }
    case BUF_STATE: {
      for (var k = 0u; k < 8u + opaque; k++) {
        r = shift_down(r, state[at + k]);
      }
    }
    case BUF_SCRATCH: {
      for (var k = 0u; k < 8u + opaque; k++) {
        r = shift_down(r, scratch[at + k]);
      }
    }
    default: {
      for (var k = 0u; k < 8u + opaque; k++) {
        r = shift_down(r, out[at + k]);
      }
    }
  }
  return r;
}

// Whether the low `limbs` limbs of v equal the words at `at` (addresses compare 5).
// Every caller names the buffer by a constant, so the inlined switch folds away.
fn equals_at(buf: u32, at: u32, v: u256, limbs: u32) -> bool {
  var same = true;
  var w = v;
  for (var k = 0u; k < limbs + opaque; k++) {
    same = same && buffer_word(buf, at + k) == w[0];
    w = shift_down(w, 0u);
  }
  return same;
}

fn write_out_u256(at: u32, v: u256, limbs: u32) {
  var w = v;
  for (var k = 0u; k < limbs + opaque; k++) {
    out[at + k] = w[0];
    w = shift_down(w, 0u);
  }
}

fn write_scratch_u256(at: u32, v: u256, limbs: u32) {
  var w = v;
  for (var k = 0u; k < limbs + opaque; k++) {
    scratch[at + k] = w[0];
    w = shift_down(w, 0u);
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

fn has_eip(bit: u32) -> bool {
  return (EIPS_BY_FORK[param(PARAMS_FORK_ROW)] & bit) != 0u;
}

// select() for words: t when c, else f.
fn pick(f: u256, t: u256, c: bool) -> u256 {
  if (c) {
    return t;
  }
  return f;
}
