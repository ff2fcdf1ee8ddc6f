//! requires: u256/core interpreter/bindings
// The running frame: one message call per invocation, its registers held in private
// variables. Word offsets (`*_at`) locate this invocation's records and regions in the
// shared buffers. A later issue runs nested calls on the GPU; a frame then becomes a
// record to push and pop, with these as its fields.

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

fn param(field: u32) -> u32 {
  return params[field];
}

fn param_u256(field: u32) -> u256 {
  var r: u256;
  for (var i = 0u; i < 8u; i++) {
    r[i] = params[field + i];
  }
  return r;
}

fn call_u32(field: u32) -> u32 {
  return calls[call_at + field];
}

fn call_u256(field: u32) -> u256 {
  var r: u256;
  for (var i = 0u; i < 8u; i++) {
    r[i] = calls[call_at + field + i];
  }
  return r;
}

fn blob_u256(at: u32) -> u256 {
  var r: u256;
  for (var i = 0u; i < 8u; i++) {
    r[i] = blob[at + i];
  }
  return r;
}

// Byte i of the byte string stored in the blob from word `at`.
fn blob_byte(at: u32, i: u32) -> u32 {
  return (blob[at + (i >> 2u)] >> ((i & 3u) * 8u)) & 0xffu;
}

// Big-endian 32-bit window of a blob byte string of length len starting at byte i, zero
// past its end: what CALLDATALOAD and copies read, four bytes at a time.
fn blob_be32(at: u32, len: u32, i: u32) -> u32 {
  var v = 0u;
  for (var k = 0u; k < 4u; k++) {
    let j = i + k;
    var b = 0u;
    if (j >= i && j < len) {
      b = blob_byte(at, j);
    }
    v = (v << 8u) | b;
  }
  return v;
}

// The u256 whose 32 big-endian bytes start at byte `off` of a blob byte string of
// length len, zero-padded on the right (CALLDATALOAD).
fn blob_load_word(at: u32, len: u32, off: u32) -> u256 {
  var r: u256;
  for (var i = 0u; i < 8u; i++) {
    r[7u - i] = blob_be32(at, len, off + 4u * i);
  }
  return r;
}

// The low 160 bits of a word, as an address is taken from the stack.
fn to_address(v: u256) -> u256 {
  return u256(v[0], v[1], v[2], v[3], v[4], 0u, 0u, 0u);
}

fn same_address(a: u256, b: u256) -> bool {
  return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3] && a[4] == b[4];
}

// A stack word clamped to u32: values at or above 2^32 become 0xffffffff, which every
// caller treats as "past any buffer".
fn clamp_u32(v: u256) -> u32 {
  return select(0xffffffffu, v[0], u256_fits_u32(v));
}
