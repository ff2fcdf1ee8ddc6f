import { afterAll, describe, expect, it } from 'vitest';
import { collectJsonFiles } from '../../src/conformance/files.js';
import { loadStateTestCases, runStateTestCase, type StateTestCase } from '../../src/conformance/statetest.js';
import { ReferenceEngine, type VMInstance } from '../../src/engine/reference.js';
import { EngineRegistry } from '../../src/registry/registry.js';
import { testRegistry } from '../support/registry.js';
import { OPCODES } from '../../src/evm/opcodes.js';
import { fixturePath } from '../support/fixtures.js';
import { RLP } from '@ethereumjs/rlp';
import { hexToBytes } from '@ethereumjs/util';

/**
 * All 782 state-test cases on engine `gpu`, and how many ran fully on the GPU. The
 * coverage target counts only cases whose transaction executes no CALL-family,
 * CREATE or SELFDESTRUCT opcode, as the reference sees it (a probe watches its steps).
 */
class HostOpcodeProbe extends ReferenceEngine {
  sawHost = false;
  protected override observe(vm: VMInstance): void {
    this.sawHost = false;
    vm.evm.events!.on('step', (step: { opcode: { code: number } }, resolve?: (v?: unknown) => void) => {
      if (OPCODES[step.opcode.code].exec !== 'gpu') this.sawHost = true;
      resolve?.();
    });
  }
}

/** Whether the case's transaction is a create: `to` null, or empty in its RLP (the field after gas). */
function isCreate(tx: unknown): boolean {
  if (!(tx as { raw?: string }).raw) return !(tx as { to?: unknown }).to;
  const bytes = hexToBytes((tx as { raw: string }).raw as `0x${string}`);
  const fields = RLP.decode(bytes[0] < 0x7f ? bytes.subarray(1) : bytes) as Uint8Array[];
  const toIndex = bytes[0] >= 0x7f ? 3 : bytes[0] === 1 ? 4 : 5;
  return fields[toIndex].length === 0;
}

const FIXTURES = fixturePath('state-tests');
const registry = testRegistry();
const gpu = registry.get('gpu');
const probe = new HostOpcodeProbe();
afterAll(() => registry.close());

const tally = { noHost: 0, noHostOnGpu: 0, onGpu: 0, cases: 0, notCreate: 0, notCreateOnGpu: 0 };

for (const [dir, fork] of [['cancun', 'Cancun'], ['prague', 'Prague']] as const) {
  const cases: StateTestCase[] = collectJsonFiles([`${FIXTURES}/${dir}`]).flatMap((f) => loadStateTestCases(f, fork));
  describe(`state tests on engine gpu: ${dir} (${fork})`, () => {
    for (const c of cases) {
      it(`${c.file.slice(FIXTURES.length + 1)} ${c.name}[${c.index}]`, async () => {
        const o = await runStateTestCase(gpu, c);
        expect(o.error).toBeUndefined();
        expect(o.ok).toBe(true);
        await runStateTestCase(probe, c);
        tally.cases++;
        if (o.engine === 'gpu') tally.onGpu++;
        if (!isCreate(c.batch.txs[0])) {
          tally.notCreate++;
          if (o.engine === 'gpu') tally.notCreateOnGpu++;
        }
        if (!probe.sawHost) {
          tally.noHost++;
          if (o.engine === 'gpu') tally.noHostOnGpu++;
        }
        // A case may be the first to need one of the kernels: lavapipe creates a pipeline
        // on first use, minutes with a cold shader cache on a loaded machine.
      }, 600_000);
    }
  });
}

describe('GPU coverage of the state tests', () => {
  it('runs at least 95% of the cases that execute no host opcode fully on the GPU', () => {
    expect(tally.cases).toBe(782);
    const share = tally.noHostOnGpu / tally.noHost;
    console.log(`gpu coverage: ${tally.noHostOnGpu}/${tally.noHost} cases without host opcodes (${(share * 100).toFixed(1)}%), ${tally.onGpu}/${tally.cases} overall, ${tally.notCreateOnGpu}/${tally.notCreate} of the cases whose transaction is not a create (${((tally.notCreateOnGpu / tally.notCreate) * 100).toFixed(1)}%)`);
    expect(share).toBeGreaterThanOrEqual(0.95);
  });
});
