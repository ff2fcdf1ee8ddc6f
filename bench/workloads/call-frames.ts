import { keccak_256 } from '@noble/hashes/sha3.js';
import type { GpuBlockContext, GpuCall, GpuStateSnapshot } from '../../src/gpu/abi.js';
import type { Hex, WireBatch } from '../../src/model/shapes.js';

const bytes = (h: Hex) => Uint8Array.from(Buffer.from(h.slice(2), 'hex'));

/**
 * The top-level frames the gpu engine would run for a batch of plain calls (no value,
 * legacy gas price), built straight from the workload for kernel-level benchmarks and
 * tests: the pre-state as a snapshot, each call's gas after the intrinsic cost.
 */
export function callFrames(wire: WireBatch): { block: GpuBlockContext; state: GpuStateSnapshot; calls: GpuCall[] } {
  const accounts: GpuStateSnapshot['accounts'] = new Map();
  for (const [a, acc] of Object.entries(wire.pre)) {
    const code = acc.code ? bytes(acc.code) : new Uint8Array(0);
    const storage = new Map<bigint, bigint>(Object.entries(acc.storage ?? {}).map(([k, v]) => [BigInt(k), BigInt(v as string)]));
    accounts.set(a.toLowerCase(), { balance: BigInt(acc.balance ?? '0x0'), nonce: BigInt(acc.nonce ?? '0x0'), code, codeHash: keccak_256(code), storage });
  }
  const coinbase = bytes(wire.env.coinbase);
  const calls = wire.txs.map((tx): GpuCall => {
    const t = tx as { from: Hex; to: Hex; data: Hex; gas: Hex };
    const data = bytes(t.data);
    const calldataGas = data.reduce((g, b) => g + (b === 0 ? 4 : 16), 0);
    return {
      address: bytes(t.to), caller: bytes(t.from), origin: bytes(t.from), value: 0n, data, gasPrice: 8n,
      gas: BigInt(t.gas) - 21_000n - BigInt(calldataGas), code: accounts.get(t.to.toLowerCase())!.code, isCreate: false,
      warmAddresses: [bytes(t.from), bytes(t.to), coinbase], warmSlots: [], blobVersionedHashes: [],
    };
  });
  const block: GpuBlockContext = {
    fork: 'Prague', coinbase, number: BigInt(wire.env.number), timestamp: BigInt(wire.env.timestamp), gasLimit: BigInt(wire.env.gasLimit),
    chainId: 1n, baseFee: 7n, prevRandao: 0n, blobBaseFee: 1n, blockHashes: new Map(),
  };
  return { block, state: { accounts }, calls };
}
