//! requires: u256/core interpreter/frame
// The EVM stack: the running frame's items in this invocation's stack pool, sp items
// deep from stack_at (a frame's stack starts where its caller's ends). A step reads
// its operands into `arg` in one place and writes its results from `res` in one place;
// the step loop has checked the heights, so neither reaches outside the pool.

var<private> arg: array<u256, 7>;
var<private> res: array<u256, 2>;

// Reads `count` items: arg[0] from depth `first` (0, or n - 1 for DUPn), arg[1] from
// depth `second` (1, or n for SWAPn), arg[k] from depth k beyond.
fn fetch_args(count: u32, first: u32, second: u32) {
  for (var k = 0u; k < count; k++) {
    let depth = select(select(k, second, k == 1u), first, k == 0u);
    let at = stack_at + (sp - 1u - depth) * 8u;
    var v: u256;
    for (var l = 0u; l < 8u; l++) {
      v[l] = scratch[at + l];
    }
    arg[k] = v;
  }
}

// Writes res[0] to the top and, for SWAPn, res[1] to depth `second`.
fn write_results(count: u32, second: u32) {
  for (var k = 0u; k < count; k++) {
    let at = stack_at + (sp - 1u - select(0u, second, k == 1u)) * 8u;
    let v = res[k];
    for (var l = 0u; l < 8u; l++) {
      scratch[at + l] = v[l];
    }
  }
}

// PUSH0..PUSH32: n immediate bytes, big-endian, zero-padded past the end of the code.
// pc already points past the opcode.
fn push_value(n: u32) -> u256 {
  var r = u256_zero();
  for (var j = 0u; j < n; j++) {
    let at = pc + j;
    if (at < code_len) {
      let k = n - 1u - j;
      r[k >> 2u] |= code_byte(at) << ((k & 3u) * 8u);
    }
  }
  return r;
}
