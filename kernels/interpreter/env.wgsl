//! requires: u256/core interpreter/frame
// Environment opcodes 0x30-0x3f. Calls run at depth 0 with no sub-calls, so the return
// data buffer is always empty.

// Where ADDRESS, ORIGIN, CALLER, CALLVALUE and GASPRICE keep their word in the call record.
fn call_field(op: u32) -> u32 {
  switch op {
    case 0x30u: { return CALL_ADDRESS; }
    case 0x32u: { return CALL_ORIGIN; }
    case 0x33u: { return CALL_CALLER; }
    case 0x34u: { return CALL_VALUE; }
    default: { return CALL_GAS_PRICE; }
  }
}

// The cold surcharge over the warm static cost (EIP-2929: 2600 in all when cold).
const COLD_ACCOUNT_EXTRA = 2500u;
// The cold surcharge over SLOAD's warm static cost (EIP-2929: 2100 in all when cold).
const COLD_SLOAD_EXTRA = 2000u;
