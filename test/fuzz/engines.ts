import type { Engine } from '../../src/engine/engine.js';
import type { EngineRegistry } from '../../src/registry/registry.js';
import { ProbedReference } from './probe.js';

/**
 * The engines to check, found in the registry rather than listed here, so engines that
 * land later (`cpu`, `auto`, `gpu-interpreter`, ...) are fuzzed without touching the
 * harness. A name that resolves to the oracle's own instance (`auto` today) is an
 * alias of the reference and has nothing to compare; names sharing one instance are
 * run once.
 */
export interface EngineUnderTest {
  /** The registry names of this instance, joined: `gpu`, or `auto=cpu` for an alias. */
  label: string;
  engine: Engine;
}

export interface EngineSelection {
  oracle: Engine;
  /** Runs each case's first reference execution, counting what it did inside the EVM (probe.ts). */
  probe?: ProbedReference;
  compared: EngineUnderTest[];
  /** Names that are the reference itself. */
  aliasesOfReference: string[];
}

export function selectEngines(registry: EngineRegistry, only?: string[]): EngineSelection {
  const oracle = registry.get('reference');
  const byInstance = new Map<Engine, string[]>();
  const aliasesOfReference: string[] = [];
  for (const name of registry.names()) {
    if (name === 'reference') continue;
    if (only && !only.includes(name)) continue;
    const e = registry.get(name);
    if (e === oracle) aliasesOfReference.push(name);
    else byInstance.set(e, [...(byInstance.get(e) ?? []), name]);
  }
  const compared = [...byInstance.entries()].map(([engine, names]) => ({ label: names.join('='), engine }));
  return { oracle, probe: new ProbedReference(), compared, aliasesOfReference };
}

export function describeSelection(s: EngineSelection): string {
  const names = s.compared.map((c) => c.label).join(', ') || '(none)';
  const aliases = s.aliasesOfReference.length ? `; ${s.aliasesOfReference.join(', ')} resolve to the reference itself, not compared` : '';
  return `engines compared against reference: ${names}${aliases}`;
}
