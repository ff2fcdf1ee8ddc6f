//! requires: u256/core interpreter/frame
// The EVM stack: the running frame's items in this invocation's slot of the stack
// buffer, sp items deep from item stack_at (a frame's stack starts where its caller's
// ends). An item is two vec4 elements, limbs 0-3 then 4-7. A step reads its operands
// into `arg` in one function and writes its results from `res` in another; the step
// loop has checked the heights, so neither reaches outside the pool.

var<private> arg: array<u256, 7>;
var<private> res: array<u256, 2>;

// The stack moves words by constant indices only. lavapipe keeps a private array
// indexed by a variable (arg[k], a limb v[l]) in memory and reaches it with a branch
// per SIMD lane, as it reaches every storage access; unrolled, the items and their
// limbs stay in registers, and an item is two vec4 accesses rather than eight u32 ones.
// The two item reads and the two writes every step may make are unrolled; the rarer
// third to seventh items of the call family, LOGn and the copies go through one loop.
fn stack_word(depth: u32) -> u256 {
  return stack_item((stack_at + sp - 1u - depth) * 2u);
}

// The item whose first element is `at`.
fn stack_item(at: u32) -> u256 {
  let lo = stack[at];
  let hi = stack[at + 1u];
  return u256(lo.x, lo.y, lo.z, lo.w, hi.x, hi.y, hi.z, hi.w);
}

fn put_stack_item(at: u32, v: u256) {
  stack[at] = vec4<u32>(v[0], v[1], v[2], v[3]);
  stack[at + 1u] = vec4<u32>(v[4], v[5], v[6], v[7]);
}

// Reads `count` items: arg[0] from depth `first` (0, or n - 1 for DUPn), arg[1] from
// depth `second` (1, or n for SWAPn), arg[k] from depth k beyond.
fn fetch_args(count: u32, first: u32, second: u32) {
  if (count > 0u) {
    arg[0] = stack_word(first);
  }
  if (count > 1u) {
    arg[1] = stack_word(second);
  }
  for (var k = 2u; k < count; k++) {
    let v = stack_word(k);
    switch k {
      case 2u: { arg[2] = v; }
      case 3u: { arg[3] = v; }
      case 4u: { arg[4] = v; }
      case 5u: { arg[5] = v; }
      default: { arg[6] = v; }
    }
  }
}

fn put_stack_word(depth: u32, v: u256) {
  put_stack_item((stack_at + sp - 1u - depth) * 2u, v);
}

// Writes res[0] to the top and, for SWAPn, res[1] to depth `second`.
fn write_results(count: u32, second: u32) {
  if (count > 0u) {
    put_stack_word(0u, res[0]);
  }
  if (count > 1u) {
    put_stack_word(second, res[1]);
  }
}

// PUSH0..PUSH32: n immediate bytes, big-endian, zero-padded past the end of the code.
// pc already points past the opcode. Each byte shifts the word up by one, so every
// limb is named by a constant: a limb indexed by a variable would keep the word in
// memory, lane by lane.
fn push_value(n: u32) -> u256 {
  var r = u256_zero();
  for (var j = 0u; j < n; j++) {
    let at = pc + j;
    var b = 0u;
    if (at < code_len) {
      b = code_byte(at);
    }
    r = u256((r[0] << 8u) | b, (r[1] << 8u) | (r[0] >> 24u), (r[2] << 8u) | (r[1] >> 24u), (r[3] << 8u) | (r[2] >> 24u),
      (r[4] << 8u) | (r[3] >> 24u), (r[5] << 8u) | (r[4] >> 24u), (r[6] << 8u) | (r[5] >> 24u), (r[7] << 8u) | (r[6] >> 24u));
  }
  return r;
}
