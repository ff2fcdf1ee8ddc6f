//! requires: interpreter/call interpreter/run
// The interpreter kernel: one invocation runs one call's top-level frame to its end,
// one opcode per iteration of a single dispatch loop (interpreter/run), until it
// stops, halts, needs the host (CALL family, CREATE*, SELFDESTRUCT) or spends the
// dispatch's step budget.

@compute @workgroup_size(WORKGROUP)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let slot = invocation_slot(gid, groups);
  if (slot == NOT_FOUND) {
    return;
  }
  begin(chunk[CHUNK_FIRST_CALL] + slot, slot);
  var status = 0u;
  loop {
    status = interpret_one();
    if (status != 0u) {
      break;
    }
  }
  finish(status);
}
