//! requires: u256/core interpreter/frame
// The EVM stack: STACK_LIMIT words in this invocation's scratch region, sp items deep.
// Callers check heights first (the step loop does it from the opcode table), so these
// never read or write outside the region.

fn stack_word_at(i: u32) -> u32 {
  return stack_at + (sp - 1u - i) * 8u;
}

// Item i counted from the top (0 = top).
fn stack_peek(i: u32) -> u256 {
  let at = stack_word_at(i);
  var r: u256;
  for (var k = 0u; k < 8u; k++) {
    r[k] = scratch[at + k];
  }
  return r;
}

fn stack_set(i: u32, v: u256) {
  let at = stack_word_at(i);
  for (var k = 0u; k < 8u; k++) {
    scratch[at + k] = v[k];
  }
}

fn stack_push(v: u256) {
  sp += 1u;
  stack_set(0u, v);
}

// Replaces the top `pops` items by one result.
fn stack_replace(pops: u32, v: u256) {
  sp -= pops - 1u;
  stack_set(0u, v);
}

// PUSH0..PUSH32: n immediate bytes, big-endian, zero-padded past the end of the code.
// pc already points past the opcode.
fn op_push(n: u32) {
  var r = u256_zero();
  for (var j = 0u; j < n; j++) {
    let at = pc + j;
    if (at < code_len) {
      let k = n - 1u - j;
      r[k >> 2u] |= blob_byte(code_at, at) << ((k & 3u) * 8u);
    }
  }
  stack_push(r);
  pc += n;
}

// DUP1..DUP16 copy item n-1; SWAP1..SWAP16 exchange the top with item n.
fn op_dup(n: u32) {
  let v = stack_peek(n - 1u);
  stack_push(v);
}

fn op_swap(n: u32) {
  let a = stack_peek(0u);
  let b = stack_peek(n);
  stack_set(0u, b);
  stack_set(n, a);
}
