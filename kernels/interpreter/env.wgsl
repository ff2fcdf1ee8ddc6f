//! requires: u256/core interpreter/frame
// Environment opcodes ADDRESS..EXTCODEHASH. ADDRESS, CALLER and CALLVALUE are the
// running frame's (its FRAME record); ORIGIN and GASPRICE the transaction's (the CALL
// record).

// Where ADDRESS, ORIGIN, CALLER, CALLVALUE and GASPRICE keep their word: the buffer
// (x) and the word offset (y).
fn env_word_at(op: u32) -> vec2<u32> {
  switch op {
    case OP_ADDRESS: { return vec2<u32>(BUF_SCRATCH, frame_at + FRAME_ADDRESS); }
    case OP_CALLER: { return vec2<u32>(BUF_SCRATCH, frame_at + FRAME_CALLER); }
    case OP_CALLVALUE: { return vec2<u32>(BUF_SCRATCH, frame_at + FRAME_VALUE); }
    case OP_ORIGIN: { return vec2<u32>(BUF_CALLS, call_at + CALL_ORIGIN); }
    case OP_GASPRICE, default: { return vec2<u32>(BUF_CALLS, call_at + CALL_GAS_PRICE); }
  }
}

// EIP-2929: the opcode table charges the warm cost statically, so a cold account or
// slot costs this much on top.
const COLD_ACCOUNT_EXTRA = GAS_COLD_ACCOUNT_ACCESS - GAS_WARM_STORAGE_READ;
const COLD_SLOAD_EXTRA = GAS_COLD_SLOAD - GAS_WARM_STORAGE_READ;
