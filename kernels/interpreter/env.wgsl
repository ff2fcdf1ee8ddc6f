//! requires: u256/core interpreter/frame
// Environment opcodes ADDRESS..EXTCODEHASH. Calls run at depth 0 with no sub-calls, so
// the return data buffer is always empty.

// Where ADDRESS, ORIGIN, CALLER, CALLVALUE and GASPRICE keep their word in the call record.
fn call_field(op: u32) -> u32 {
  switch op {
    case OP_ADDRESS: { return CALL_ADDRESS; }
    case OP_ORIGIN: { return CALL_ORIGIN; }
    case OP_CALLER: { return CALL_CALLER; }
    case OP_CALLVALUE: { return CALL_VALUE; }
    case OP_GASPRICE, default: { return CALL_GAS_PRICE; }
  }
}

// EIP-2929: the opcode table charges the warm cost statically, so a cold account or
// slot costs this much on top.
const COLD_ACCOUNT_EXTRA = GAS_COLD_ACCOUNT_ACCESS - GAS_WARM_STORAGE_READ;
const COLD_SLOAD_EXTRA = GAS_COLD_SLOAD - GAS_WARM_STORAGE_READ;
