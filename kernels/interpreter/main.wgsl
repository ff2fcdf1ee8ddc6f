//! requires: interpreter/call interpreter/run
// The interpreter kernel: one invocation runs one transaction's call to its end, with
// every frame it calls (interpreter/frames), one opcode per iteration of a single
// dispatch loop (interpreter/run), until its own frame stops or halts, it needs the
// host (a precompile) or it spends the dispatch's step budget or its scratch.

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
