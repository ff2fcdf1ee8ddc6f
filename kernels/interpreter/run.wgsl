//! requires: interpreter/frame interpreter/step
// One opcode of the interpreter loop. The interpreter kernel loops over it; a compiled
// kernel (kernels/compiled/) calls it, from a single site, for the opcodes it leaves to
// the interpreter and for the rest of a call it hands over. Both count steps and check
// the budget here, so the two kernels stop at the same opcode with the same count.

// Opcodes run so far in this dispatch (the one that ends the call included).
var<private> steps: u32;

// 0 to go on, or the outcome that ends the call.
fn interpret_one() -> u32 {
  op_pc = pc;
  if (pc >= code_len) {
    return OUTCOME_STOP;
  }
  if (steps >= param(PARAMS_STEP_BUDGET)) {
    return OUTCOME_BUDGET_EXHAUSTED;
  }
  steps += 1u;
  return step(blob_byte(code_at, pc));
}
