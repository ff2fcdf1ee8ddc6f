import { readFileSync } from 'node:fs';
import solc from 'solc';
import type { Hex, WireBatch } from '../../src/model/shapes.js';
import { sender } from '../signing/keys.js';
import { account, FEES, hex32, quantity, SENDER_BALANCE, toBatch, type Fragment } from './common.js';
import { rng } from './rng.js';

/**
 * Compute-heavy calls: `Compute.run(seed, rounds)` (bench/contracts/Compute.sol) loops over
 * MULMOD, ADDMOD, EXP, DIV, MOD and KECCAK256, then writes one slot per sender. Each
 * transaction has its own sender, seed and round count, so there are no conflicts: the
 * figure is how fast an engine interprets arithmetic, not how it resolves contention.
 * The contract is compiled with the solc npm package (wasm) on first use and kept in memory.
 */
const SOURCE_FILE = new URL('../contracts/Compute.sol', import.meta.url);
export const COMPUTE: Hex = account(0xc0de, 0);
/** Rounds per call are drawn from this range. */
export const ROUNDS = { min: 16n, max: 64n } as const;
// Measured on the reference: about 1,020 gas a round plus ~36k per call (cold slot write, calldata);
// the limits leave headroom so that no call runs out of gas whatever its seed.
const GAS_PER_ROUND = 1_600n;
const GAS_BASE = 80_000n;

interface Compiled {
  runtime: Hex;
  selector: string;
  compileMs: number;
}

let compiled: Compiled | undefined;

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { evm: { deployedBytecode: { object: string }; methodIdentifiers: Record<string, string> } }>>;
}

export function compileCompute(): Compiled {
  if (compiled !== undefined) return compiled;
  const t = performance.now();
  const input = {
    language: 'Solidity',
    sources: { 'Compute.sol': { content: readFileSync(SOURCE_FILE, 'utf8') } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      // Cancun: no opcode newer than every engine here implements (PUSH0, MCOPY, TSTORE at most).
      evmVersion: 'cancun',
      outputSelection: { 'Compute.sol': { Compute: ['evm.deployedBytecode.object', 'evm.methodIdentifiers'] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`Compute.sol does not compile:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const contract = out.contracts['Compute.sol'].Compute;
  compiled = {
    runtime: `0x${contract.evm.deployedBytecode.object}`,
    selector: contract.evm.methodIdentifiers['run(uint256,uint256)'],
    compileMs: performance.now() - t,
  };
  return compiled;
}

export function computeFragment(txs: number, seed: number): Fragment {
  const { runtime, selector } = compileCompute();
  const r = rng(seed);
  const pre: WireBatch['pre'] = { [COMPUTE]: { balance: '0x0', nonce: '0x1', code: runtime } };
  const out: WireBatch['txs'] = [];
  let gasBudget = 0n;
  for (let i = 0; i < txs; i++) {
    const from = sender(0xc0, i);
    const rounds = r.between(ROUNDS.min, ROUNDS.max);
    const callSeed = (BigInt(r.next()) << 224n) | (BigInt(r.next()) << 96n) | BigInt(r.next());
    const gas = GAS_BASE + rounds * GAS_PER_ROUND;
    gasBudget += gas;
    pre[from] = { balance: SENDER_BALANCE, nonce: '0x0' };
    out.push({ from, to: COMPUTE, nonce: '0x0', gas: quantity(gas), ...FEES, value: '0x0', data: `0x${selector}${hex32(callSeed)}${hex32(rounds)}` });
  }
  return { pre, txs: out, gasBudget };
}

export function computeBatch(txs: number, seed = 1): WireBatch {
  return toBatch(computeFragment(txs, seed));
}
