//! requires: u256/all interpreter/frame interpreter/gas interpreter/stack interpreter/run interpreter/control
//! requires: interpreter/arith interpreter/env interpreter/block
// What every compiled fragment does, whichever back end wrote it (src/compiler/): a
// straight-line run of opcodes that cannot fail once its entry check passed (stack,
// static gas and step budget, checked once per fragment), over registers instead of
// the stack buffer, with constant jumps already resolved. The program back end runs
// fragments as data (compiled/program.wgsl); the WGSL back end writes each fragment
// as code (src/compiler/emit-wgsl.ts). Opcodes outside fragments run in the interpreter.

// `mode` and `program_at` are the running frame's (interpreter/frame, saved and
// restored with its registers). MODE_FAST: fragments run, dispatched on pc. MODE_STEP:
// the opcode at pc runs in the interpreter (interpret_one), then fragments resume.
// MODE_INTERPRET: the interpreter runs the rest of the frame: an entry check failed,
// pc starts no fragment, or the frame is a callee's (its code has no program here: a
// program runs only the code it was compiled for, the transaction's own). From there
// on every kernel does exactly the same thing. `program_at` is the frame's program in
// the blob (program back end), or NOT_FOUND.

// A fragment's entry check: `required` items on the stack, room for `growth` more,
// `cost` static gas and `count` steps left. On success charges the gas and counts the
// steps of the whole fragment at once; on failure hands the call to the interpreter at
// the fragment's first opcode, which then fails where the interpreter fails.
fn fast_check(required: u32, growth: u32, cost: u32, count: u32) -> bool {
  if (sp < required || sp + growth > stack_cap || u64_lt(gas, u64(cost)) || count > param(PARAMS_STEP_BUDGET) - steps) {
    mode = MODE_INTERPRET;
    return false;
  }
  gas = u64_sub(gas, u64(cost));
  steps += count;
  return true;
}

// The entry item `depth` below the top (0: the top): the interpreter's own read, limbs
// by constant index (interpreter/stack says why).
fn entry_item(depth: u32) -> u256 {
  return stack_word(depth);
}

// The write-back of one item: the stack slot `off` items from the entry height, limbs
// by constant index too.
fn put_item(off: i32, v: u256) {
  put_stack_item((stack_at + u32(i32(sp) + off)) * 2u, v);
}

// The words execute() pushes for the opcodes the opcode table marks `inline: 'word'`,
// read the same way (test/compiler/inline-ops.test.ts checks these cases against it).
fn frame_word(op: u32) -> u256 {
  switch op {
    case OP_ADDRESS, OP_ORIGIN, OP_CALLER, OP_CALLVALUE, OP_GASPRICE: {
      let w = env_word_at(op);
      return read_u256(w.x, w.y);
    }
    case OP_CALLDATASIZE: { return u256_from_u32(data_len); }
    case OP_CODESIZE: { return u256_from_u32(code_len); }
    case OP_MSIZE: { return u256_from_u32(mem_words * 32u); }
    case OP_COINBASE, OP_TIMESTAMP, OP_NUMBER, OP_PREVRANDAO, OP_GASLIMIT, OP_CHAINID, OP_BASEFEE, OP_BLOBBASEFEE, default: {
      return read_u256(BUF_PARAMS, block_field(op));
    }
  }
}

// A jump to a target known only at run time, after the write-back: 0 with pc at the
// target, or the invalid-jump outcome reported at the jump's own pc, as the
// interpreter reports it.
fn fast_jump(dest: u256, jump_pc: u32) -> u32 {
  if (!is_jumpdest(dest)) {
    op_pc = jump_pc;
    return OUTCOME_INVALID_JUMP;
  }
  pc = dest[0];
  return 0u;
}

// MLOAD, MSTORE and CALLDATALOAD in their quick case: a whole aligned word already in
// memory (or in the calldata), at an offset below 2^32. That is Solidity's scratch space,
// free memory pointer and ABI arguments, most of the memory traffic of compiled code.
// It costs exactly the static gas and cannot fail, so a fragment runs it inline
// (behind this check, with a side exit to the interpreter otherwise) and quick_step()
// runs it without the interpreter's dispatch and byte-copy loop.
fn quick_ok(op: u32, offset: u256) -> bool {
  let off = offset[0];
  // Bytes available from the word at off: memory's size, or the calldata's length.
  let size = select(mem_words * 32u, data_len, op == OP_CALLDATALOAD);
  // Calldata is in the blob in the transaction's own frame, the only one with fragments.
  let aligned = op != OP_CALLDATALOAD || (data_buf == BUF_BLOB && (data_base & 3u) == 0u);
  return u256_fits_u32(offset) && (off & 3u) == 0u && size >= 32u && off <= size - 32u && aligned;
}

// The word MLOAD or CALLDATALOAD reads, once quick_ok() holds.
fn quick_load(op: u32, offset: u256) -> u256 {
  var v: u256;
  if (op == OP_CALLDATALOAD) {
    let at = (data_base >> 2u) + (offset[0] >> 2u);
    for (var j = 0u; j < 8u + opaque; j++) {
      v = shift_up(v, bswap32(blob[at + j]));
    }
  } else {
    let at = mem_at + (offset[0] >> 2u);
    for (var j = 0u; j < 8u + opaque; j++) {
      v = shift_up(v, bswap32(scratch[at + j]));
    }
  }
  return v;
}

// MSTORE's write, once quick_ok() holds.
fn quick_store(offset: u256, v: u256) {
  let at = mem_at + (offset[0] >> 2u);
  var w = v;
  for (var j = 0u; j < 8u + opaque; j++) {
    scratch[at + j] = bswap32(w[7]);
    w = shift_up(w, 0u);
  }
}

// The opcode at pc, when it is one of the three in its quick case and nothing else can
// fail (its static gas, its stack items, a step of budget left): exactly what
// interpret_one() and step() do then. Returns false, having changed nothing, when the
// interpreter must run it.
fn quick_step() -> bool {
  let op = code_byte(pc);
  let store = op == OP_MSTORE;
  if (!inline_guarded(op) || steps >= param(PARAMS_STEP_BUDGET) || u64_lt(gas, u64(INLINE_GUARDED_GAS)) || sp < select(1u, 2u, store)) {
    return false;
  }
  let offset = entry_item(0u);
  if (!quick_ok(op, offset)) {
    return false;
  }
  if (store) {
    quick_store(offset, entry_item(1u));
    sp -= 2u;
  } else {
    put_item(-1, quick_load(op, offset));
  }
  op_pc = pc;
  steps += 1u;
  gas = u64_sub(gas, u64(INLINE_GUARDED_GAS));
  pc += 1u;
  return true;
}

// A side exit's common part, after its write-back: the gas and steps of the guarded
// opcode and those after it given back, and the interpreter asked to run it at pc.
fn side_exit(change: i32, refund: u32, count: u32, at: u32) -> u32 {
  sp = u32(i32(sp) + change);
  gas = u64_add(gas, u64(refund));
  steps -= count;
  mode = MODE_STEP;
  pc = at;
  return 0u;
}
