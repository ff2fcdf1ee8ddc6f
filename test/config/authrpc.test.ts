import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';

/** The Engine API's settings: port and JWT secret file, from flag, variable or default, validated. */
describe('Engine API settings', () => {
  it('default to port 8551 and <data-dir>/jwt.hex (unset here, resolved by serve)', () => {
    const c = resolveConfig({}, {}).chain;
    expect(c.authrpcPort).toBe(8551);
    expect(c.authrpcJwtsecret).toBeUndefined();
  });

  it('take a flag over a variable', () => {
    const c = resolveConfig({ 'authrpc-port': '9551' }, { EVMGPU_AUTHRPC_PORT: '7551', EVMGPU_AUTHRPC_JWTSECRET: '/secrets/jwt.hex' }).chain;
    expect(c.authrpcPort).toBe(9551);
    expect(c.authrpcJwtsecret).toBe('/secrets/jwt.hex');
    expect(resolveConfig({}, { EVMGPU_AUTHRPC_PORT: '0' }).chain.authrpcPort).toBe(0);
  });

  it('refuse a port past 65535, a non-number, and an empty secret path, naming the flag or variable', () => {
    expect(() => resolveConfig({ 'authrpc-port': '70000' }, {})).toThrow(/--authrpc-port: 70000 is not a TCP port/);
    expect(() => resolveConfig({}, { EVMGPU_AUTHRPC_PORT: 'eighty' })).toThrow(/EVMGPU_AUTHRPC_PORT/);
    expect(() => resolveConfig({ 'authrpc-jwtsecret': ' ' }, {})).toThrow(/--authrpc-jwtsecret: must not be empty/);
  });
});
