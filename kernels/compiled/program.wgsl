//! requires: compiled/fragment
// The program back end: runs the fragments src/compiler/encode.ts wrote as data into
// the blob (layout: src/compiler/program-layout.ts), over a private register file.
// The program kernel, compiled once per device, runs every compiled program with it;
// a contract kernel of some fragments links it for the pcs it has no code for.

var<private> regs: array<u256, REGISTERS>;

fn prog(i: u32) -> u32 {
  return blob[program_at + i];
}

// One fragment from pc: 0 to go on (pc and mode say where), or the outcome that ends
// the call (an invalid jump: the only way an opcode inside a fragment fails).
fn program_fragment() -> u32 {
  let f = select(NO_FRAGMENT, prog(pc), pc < code_len);
  if (f == NO_FRAGMENT) {
    mode = MODE_INTERPRET;
    return 0u;
  }
  let required = prog(f + FRAGMENT_REQUIRED);
  if (!fast_check(required, prog(f + FRAGMENT_GROWTH), prog(f + FRAGMENT_GAS), prog(f + FRAGMENT_STEPS))) {
    return 0u;
  }
  for (var k = 0u; k < required; k++) {
    regs[k] = entry_item(k);
  }
  let ops = prog(f + FRAGMENT_OPS);
  let writes = prog(f + FRAGMENT_WRITES);
  var m = f + FRAGMENT_WORDS;
  for (var i = 0u; i < ops; i++) {
    let kind = prog(m + MICRO_KIND);
    var r: u256;
    if (kind == MICRO_CONST) {
      // Unrolled, as the entry items are: a fragment's constants are its most read words.
      let at = program_at + prog(m + MICRO_A);
      for (var l = 0u; l < 8u; l++) {
        r[l] = blob[at + l];
      }
    } else if (kind <= INLINE_ARITH_LAST) {
      r = arith_light(kind, regs[prog(m + MICRO_A)], regs[prog(m + MICRO_B)]);
    } else if (inline_guarded(kind)) {
      let offset = regs[prog(m + MICRO_A)];
      if (!quick_ok(kind, offset)) {
        return program_side_exit(prog(m + MICRO_EXIT));
      }
      if (kind == OP_MSTORE) {
        quick_store(offset, regs[prog(m + MICRO_B)]);
        m += MICRO_WORDS;
        continue;
      }
      r = quick_load(kind, offset);
    } else {
      r = frame_word(kind);
    }
    regs[prog(m + MICRO_DST)] = r;
    m += MICRO_WORDS;
  }
  for (var k = 0u; k < writes; k++) {
    put_item(i32(prog(m + WRITE_OFF)), regs[prog(m + WRITE_REG)]);
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
      return fast_jump(regs[prog(f + FRAGMENT_DEST_REG)], prog(f + FRAGMENT_JUMP_PC));
    }
    if (to == TARGET_BAD) {
      op_pc = prog(f + FRAGMENT_JUMP_PC);
      return OUTCOME_INVALID_JUMP;
    }
  }
  pc = to;
  return 0u;
}

// A guarded opcode's side exit (its EXIT record at `e`): the stack as the opcodes
// before it left it, then the interpreter at its pc.
fn program_side_exit(e: u32) -> u32 {
  var w = e + EXIT_WORDS;
  for (var k = 0u; k < prog(e + EXIT_WRITES); k++) {
    put_item(i32(prog(w + WRITE_OFF)), regs[prog(w + WRITE_REG)]);
    w += WRITE_WORDS;
  }
  return side_exit(i32(prog(e + EXIT_CHANGE)), prog(e + EXIT_GAS), prog(e + EXIT_STEPS), prog(e + EXIT_PC));
}
