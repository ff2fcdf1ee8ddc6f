// The interpreter's buffers. Every one is a flat array<u32>; the word offsets inside
// records come from src/gpu/layout.ts as generated constants (PARAMS_*, CALL_*, ...).
//
// params:  dispatch-wide block context, budgets and region offsets (PARAMS layout).
// chunk:   which calls this dispatch runs (CHUNK layout); several dispatches may share
//          one scratch buffer, one chunk after another.
// calls:   one CALL record per call.
// blob:    every variable-length input, word-aligned: code, JUMPDEST bitmaps, calldata,
//          warm address and slot lists, blob hashes. Bytes are packed 4 per word,
//          little-endian, as a host Uint8Array viewed as Uint32Array.
// state:   the snapshot as two open-addressing tables (ACCOUNT and SLOT records).
// scratch: per running invocation, its stack, memory and transient storage; never read
//          back, so it is sized per chunk, not per call.
// out:     per call, its OUT head, return data, logs, storage journal and accessed
//          accounts: everything the host unpacks.

@group(0) @binding(0) var<storage, read> params: array<u32>;
@group(0) @binding(1) var<storage, read> chunk: array<u32>;
@group(0) @binding(2) var<storage, read> calls: array<u32>;
@group(0) @binding(3) var<storage, read> blob: array<u32>;
@group(0) @binding(4) var<storage, read> state: array<u32>;
@group(0) @binding(5) var<storage, read_write> scratch: array<u32>;
@group(0) @binding(6) var<storage, read_write> out: array<u32>;
