import { createBlock } from '@ethereumjs/block';
import { createEVM, getOpcodesForHF, paramsEVM } from '@ethereumjs/evm';
import { Account, createAddressFromString } from '@ethereumjs/util';
import { describe, expect, it } from 'vitest';
import { makeCommon } from '../../src/chain/common.js';
import { GAS_DELTAS, OPCODE_BY_NAME, OPCODES, opcodeTable, staticGas } from '../../src/evm/opcodes.js';
import { FORKS, forkAtLeast, type Fork } from '../../src/model/fork.js';

/**
 * The opcode table is checked against @ethereumjs/evm's own, fork by fork, so that
 * every reader of it (checks, WGSL emitter, interpreter) starts from the reference.
 * Two bookkeeping conventions differ and are converted here, not hidden:
 * - LOGn: ours charges the per-topic 375 statically (it is fixed per opcode), ethereumjs
 *   charges it as dynamic gas;
 * - EIP-2929 access opcodes: ours charges the warm cost statically and the cold
 *   surcharge dynamically (as evmone does), ethereumjs charges both dynamically.
 */
const WARM_STATIC_FROM_BERLIN = new Set(Object.keys(GAS_DELTAS.find((d) => d.eip === 'EIP-2929')!.gas));

function referenceStaticGas(name: string, fee: number, fork: Fork): number {
  const log = /^LOG([0-4])$/.exec(name);
  if (log) return fee + 375 * Number(log[1]);
  if (forkAtLeast(fork, 'Berlin') && WARM_STATIC_FROM_BERLIN.has(name)) return fee + 100;
  return fee;
}

describe('opcode table', () => {
  it('has exactly 256 slots, each at its own byte, with unique names', () => {
    expect(OPCODES).toHaveLength(256);
    OPCODES.forEach((o, i) => expect(o.code).toBe(i));
    expect(new Set(OPCODES.map((o) => o.name)).size).toBe(256);
    expect(OPCODE_BY_NAME.size).toBe(OPCODES.filter((o) => o.defined).length);
  });

  it('gives PUSHn n immediate bytes and nothing else immediates', () => {
    for (const o of OPCODES) expect(o.immediate, o.name).toBe(/^PUSH([1-9]|[12][0-9]|3[0-2])$/.test(o.name) ? Number(o.name.slice(4)) : 0);
  });

  it('runs exactly the CALL family, CREATE/CREATE2 and SELFDESTRUCT through the frame stack', () => {
    const host = OPCODES.filter((o) => o.exec === 'frame').map((o) => o.name).sort();
    expect(host).toEqual(['CALL', 'CALLCODE', 'CREATE', 'CREATE2', 'DELEGATECALL', 'SELFDESTRUCT', 'STATICCALL']);
  });

  for (const fork of FORKS) {
    it(`matches @ethereumjs/evm at ${fork}: defined bytes, names and static gas`, () => {
      const common = makeCommon(fork, 1n);
      common.updateParams(paramsEVM);
      const { opcodes } = getOpcodesForHF(common);
      const ours = opcodeTable(fork);
      for (let code = 0; code < 256; code++) {
        const ref = opcodes.get(code);
        const hex = `0x${code.toString(16).padStart(2, '0')}`;
        if (code === 0xfe) {
          // The designated INVALID: ethereumjs flags it invalid, we define it (it has a name and semantics).
          expect(ref?.isInvalid, hex).toBe(true);
          expect(ours.defined[code], hex).toBe(true);
          continue;
        }
        const refDefined = ref !== undefined && !ref.isInvalid;
        expect(ours.defined[code], `${fork} ${hex} defined`).toBe(refDefined);
        if (!refDefined) continue;
        const refName = ref.fullName === 'DIFFICULTY' ? 'PREVRANDAO' : ref.fullName;
        expect(OPCODES[code].name, `${fork} ${hex} name`).toBe(refName);
        expect(ours.gas[code], `${fork} ${refName} static gas`).toBe(referenceStaticGas(refName, ref.fee, fork));
        expect(staticGas(OPCODES[code], fork)).toBe(ours.gas[code]);
      }
    });
  }
});

describe('opcode stack arity against @ethereumjs/evm (Prague)', () => {
  // Underflow tells how many items an opcode pops: with pops-1 items it must underflow,
  // with `pops` items it must not. Control flow and host opcodes are excluded: their
  // failure modes with zero operands (bad jump, calls) say nothing about arity.
  const skip = new Set(['JUMP', 'JUMPI']);
  const ops = OPCODES.filter((o) => o.defined && o.exec === 'gpu' && o.pops > 0 && !skip.has(o.name));
  const common = makeCommon('Prague', 1n);
  const to = createAddressFromString('0x00000000000000000000000000000000000000c0');
  const newEvm = async () => {
    const evm = await createEVM({ common });
    // SSTORE and friends need the executing account to exist.
    await evm.stateManager.putAccount(to, new Account());
    return evm;
  };
  const block = createBlock({ header: { baseFeePerGas: 7n, excessBlobGas: 0n, gasLimit: 30_000_000n } }, { common });

  it('pops what the table says for every GPU opcode with operands', async () => {
    const run = async (items: number, op: number) => {
      // A fresh EVM per run, so state one opcode writes (SSTORE, TSTORE) cannot affect the next.
      const evm = await newEvm();
      const code = new Uint8Array([...Array(items).fill(0x5f), op, 0x00]);
      const r = await evm.runCode({ code, gasLimit: 10_000_000n, block, to });
      return r.exceptionError?.error;
    };
    for (const o of ops) {
      expect(await run(o.pops - 1, o.code), `${o.name} with ${o.pops - 1} items`).toBe('stack underflow');
      expect(await run(o.pops, o.code), `${o.name} with ${o.pops} items`).not.toBe('stack underflow');
    }
  });

  it('pushes what the table says for every GPU opcode', async () => {
    for (const o of OPCODES.filter((x) => x.defined && x.exec === 'gpu' && !x.terminates && !skip.has(x.name))) {
      const evm = await newEvm();
      const imm = new Uint8Array(o.immediate);
      const code = new Uint8Array([...Array(o.pops).fill(0x5f), o.code, ...imm]);
      const r = await evm.runCode({ code, gasLimit: 10_000_000n, block, to });
      expect(r.exceptionError, o.name).toBeUndefined();
      expect(r.runState!.stack.length, `${o.name} stack height`).toBe(o.pushes);
    }
  });
});
