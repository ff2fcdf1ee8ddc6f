//! requires: interpreter/call interpreter/run compiled/fragment
// The compiled kernel: fragments of the call's compiled code and the interpreter for
// everything else. fast_fragment() comes from a back end: compiled/program.wgsl (one
// kernel for every program) or the WGSL src/compiler/emit-wgsl.ts writes for one
// contract. interpret_one has one call site, so the kernel holds one copy of the
// interpreter.

@compute @workgroup_size(WORKGROUP)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let slot = invocation_slot(gid, groups);
  if (slot == NOT_FOUND) {
    return;
  }
  begin(chunk[CHUNK_FIRST_CALL] + slot, slot);
  program_at = call_u32(CALL_PROGRAM_AT);
  // A call without a program runs in the interpreter from its first opcode.
  mode = select(MODE_FAST, MODE_INTERPRET, program_at == NOT_FOUND);
  var status = 0u;
  loop {
    if (mode == MODE_FAST) {
      status = fast_fragment();
    }
    if (status == 0u && mode == MODE_STEP && quick_step()) {
      mode = MODE_FAST;
    }
    if (status == 0u && mode != MODE_FAST) {
      status = interpret_one();
      if (mode == MODE_STEP) {
        mode = MODE_FAST;
      }
    }
    if (status != 0u) {
      break;
    }
  }
  finish(status);
}
