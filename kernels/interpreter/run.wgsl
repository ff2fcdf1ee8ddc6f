//! requires: interpreter/frame interpreter/step interpreter/frames
// One opcode of the interpreter loop. The interpreter kernel loops over it; a compiled
// kernel (kernels/compiled/) calls it, from a single site, for the opcodes it leaves to
// the interpreter and for the rest of a call it hands over. Both count steps and check
// the budget here, so the two kernels stop at the same opcode with the same count.

// Opcodes run so far in this dispatch (the one that ends the call included).
var<private> steps: u32;

// 0 to go on (in this frame, a callee's or, after a callee's end, its caller's), or the
// outcome that ends the call.
fn interpret_one() -> u32 {
  op_pc = pc;
  var status = OUTCOME_STOP;
  if (pc < code_len) {
    if (steps >= param(PARAMS_STEP_BUDGET)) {
      return OUTCOME_BUDGET_EXHAUSTED;
    }
    steps += 1u;
    status = step(code_byte(pc));
  }
  if (status != 0u) {
    status = frame_end(status);
  }
  if (exhausted) {
    status = OUTCOME_SCRATCH_EXHAUSTED;
  }
  return status;
}
