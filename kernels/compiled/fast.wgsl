//! requires: u256/all interpreter/frame interpreter/gas interpreter/stack interpreter/run interpreter/control
//! requires: interpreter/arith interpreter/env interpreter/block
// Runs the fragments src/compiler made from a code: straight-line runs of opcodes that
// cannot fail once their entry check passed (stack, static gas and step budget, checked
// once per fragment), over a private register file instead of the scratch stack, with
// constant jumps already resolved. Opcodes outside fragments run in the interpreter.
//
// The program is data in the blob (layout: src/compiler/program-layout.ts), not code:
// lavapipe's compile time grows much faster than the code, and WGSL emitted per
// contract took minutes to compile for a 2.7 KB token (src/compiler/README.md). This
// kernel is compiled once per device and runs every compiled program.

// Running fragments, dispatched on pc.
const MODE_FAST = 0u;
// The opcode at pc runs in the interpreter (interpret_one), then fragments resume.
const MODE_STEP = 1u;
// The interpreter runs the rest of the call: an entry check failed, or pc starts no
// fragment. From there on both kernels do exactly the same thing.
const MODE_INTERPRET = 2u;

var<private> mode: u32;
var<private> program_at: u32;
var<private> regs: array<u256, REGISTERS>;

fn prog(i: u32) -> u32 {
  return blob[program_at + i];
}

// A fragment's entry check: `required` items on the stack, room for `growth` more,
// `cost` static gas and `count` steps left. On success charges the gas and counts the
// steps of the whole fragment at once, and reads the entry items into registers
// 0..required-1; on failure hands the call to the interpreter at the fragment's first
// opcode, which then fails where the interpreter fails.
fn fast_enter(required: u32, growth: u32, cost: u32, count: u32) -> bool {
  if (sp < required || sp + growth > STACK_LIMIT || u64_lt(gas, u64(cost)) || count > param(PARAMS_STEP_BUDGET) - steps) {
    mode = MODE_INTERPRET;
    return false;
  }
  gas = u64_sub(gas, u64(cost));
  steps += count;
  for (var k = 0u; k < required; k++) {
    let at = stack_at + (sp - 1u - k) * 8u;
    var v: u256;
    for (var l = 0u; l < 8u + opaque; l++) {
      v[l] = scratch[at + l];
    }
    regs[k] = v;
  }
  return true;
}

// The words execute() pushes for these opcodes, read the same way.
fn frame_word(op: u32) -> u256 {
  switch op {
    case 0x30u, 0x32u, 0x33u, 0x34u, 0x3au: { return read_u256(BUF_CALLS, call_at + call_field(op)); }
    case 0x36u: { return u256_from_u32(data_len); }
    case 0x38u: { return u256_from_u32(code_len); }
    case 0x59u: { return u256_from_u32(mem_words * 32u); }
    default: { return read_u256(BUF_PARAMS, block_field(op)); }
  }
}

// One fragment from pc: 0 to go on (pc and mode say where), or the outcome that ends
// the call (an invalid jump: the only way an opcode inside a fragment fails).
fn fast_fragment() -> u32 {
  let f = select(NO_FRAGMENT, prog(pc), pc < code_len);
  if (f == NO_FRAGMENT) {
    mode = MODE_INTERPRET;
    return 0u;
  }
  let ops = prog(f + FRAGMENT_OPS);
  let writes = prog(f + FRAGMENT_WRITES);
  if (!fast_enter(prog(f + FRAGMENT_REQUIRED), prog(f + FRAGMENT_GROWTH), prog(f + FRAGMENT_GAS), prog(f + FRAGMENT_STEPS))) {
    return 0u;
  }
  var m = f + FRAGMENT_WORDS;
  for (var i = 0u; i < ops; i++) {
    let kind = prog(m + MICRO_KIND);
    var r: u256;
    if (kind == MICRO_CONST) {
      r = read_u256(BUF_BLOB, program_at + prog(m + MICRO_A));
    } else if (kind <= 0x1du) {
      r = arith_light(kind, regs[prog(m + MICRO_A)], regs[prog(m + MICRO_B)]);
    } else {
      r = frame_word(kind);
    }
    regs[prog(m + MICRO_DST)] = r;
    m += MICRO_WORDS;
  }
  for (var k = 0u; k < writes; k++) {
    let at = stack_at + u32(i32(sp) + i32(prog(m + WRITE_OFF))) * 8u;
    let v = regs[prog(m + WRITE_REG)];
    for (var l = 0u; l < 8u + opaque; l++) {
      scratch[at + l] = v[l];
    }
    m += WRITE_WORDS;
  }
  sp = u32(i32(sp) + i32(prog(f + FRAGMENT_CHANGE)));

  let end = prog(f + FRAGMENT_END);
  var to = prog(f + FRAGMENT_TARGET);
  if (end == END_STEP) {
    mode = MODE_STEP;
  }
  if (end == END_JUMPI && u256_is_zero(regs[prog(f + FRAGMENT_COND_REG)])) {
    to = prog(f + FRAGMENT_NEXT_PC);
  } else if (end >= END_JUMP) {
    if (to == TARGET_DYNAMIC) {
      let dest = regs[prog(f + FRAGMENT_DEST_REG)];
      to = select(TARGET_BAD, dest[0], is_jumpdest(dest));
    }
    if (to == TARGET_BAD) {
      op_pc = prog(f + FRAGMENT_JUMP_PC);
      return OUTCOME_INVALID_JUMP;
    }
  }
  pc = to;
  return 0u;
}
