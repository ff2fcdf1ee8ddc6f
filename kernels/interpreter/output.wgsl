//! requires: interpreter/frame interpreter/memory
// Copying memory bytes into the call's output region (return data, log data). The
// destination is word-aligned, so a copy moves whole words; bytes past the length in
// the last word are whatever memory held and the host ignores them.
fn copy_memory_out(dst_word: u32, off: u32, len: u32) {
  let n = (len + 3u) / 4u;
  for (var k = 0u; k < n; k++) {
    out[dst_word + k] = mem_le32(off + 4u * k);
  }
}
