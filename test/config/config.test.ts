import { describe, expect, it, vi } from 'vitest';
import { run as serve } from '../../src/cli/commands/serve.js';
import { readFileSync } from 'node:fs';
import { resolveConfig as resolveAll, SETTINGS } from '../../src/config/resolve.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { DEFAULT_CONFIG } from '../../src/config/service.js';
import { ConfigError, parseSize } from '../../src/config/values.js';
import { negotiateResponse } from '../../src/server/negotiate.js';

/** The service's settings of the one configuration. */
const resolveConfig = (flags: Record<string, string>, env: Record<string, string>) => resolveAll(flags, env).service;

describe('server configuration', () => {
  it('defaults: all interfaces on 8080, 256 MiB bodies, 200k transactions, 300M gas, 60 s, two batches at once, GPU warm-up on', () => {
    expect(resolveConfig({}, {})).toEqual({
      host: '0.0.0.0', port: 8080, bodyLimit: 256 * 1024 * 1024, maxTxs: 200_000, maxBatchGas: 300_000_000, logLevel: 'info',
      maxBatchMs: 60_000, maxConcurrentBatches: 2, maxQueuedGas: 300_000_000, maxEventLoopDelayMs: 1000,
      maxHeapUsedBytes: Math.floor(getHeapStatistics().heap_size_limit * 0.85), gpuWarmUp: 'on',
    });
    expect(DEFAULT_CONFIG.bodyLimit).toBe(268_435_456);
  });

  it('environment overrides defaults; flags override environment', () => {
    const env = {
      EVMGPU_HOST: '127.0.0.1', EVMGPU_PORT: '9000', EVMGPU_BODY_LIMIT: '64MiB', EVMGPU_MAX_TXS: '1000', EVMGPU_MAX_BATCH_GAS: '0x3b9aca00', EVMGPU_LOG_LEVEL: 'warn',
    };
    expect(resolveConfig({}, env)).toMatchObject({ host: '127.0.0.1', port: 9000, bodyLimit: 64 * 1024 * 1024, maxTxs: 1000, maxBatchGas: 1e9, logLevel: 'warn' });
    expect(resolveConfig({}, { EVMGPU_GPU_WARM_UP: 'off' }).gpuWarmUp).toBe('off');
    expect(resolveConfig({ 'gpu-warm-up': 'on' }, { EVMGPU_GPU_WARM_UP: 'off' }).gpuWarmUp).toBe('on');
    expect(() => resolveConfig({}, { EVMGPU_GPU_WARM_UP: 'maybe' })).toThrow(/EVMGPU_GPU_WARM_UP/);
    const flags = { host: '::1', port: '0', 'body-limit': '1048576', 'max-txs': '5', 'max-batch-gas': '1e6', 'log-level': 'silent' };
    expect(resolveConfig(flags, env)).toMatchObject({ host: '::1', port: 0, bodyLimit: 1048576, maxTxs: 5, maxBatchGas: 1e6, logLevel: 'silent' });
    // An empty variable counts as unset.
    expect(resolveConfig({}, { EVMGPU_PORT: '' }).port).toBe(8080);
  });

  it('reads the execution bounds and the token file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'evmgpu-token-'));
    const file = join(dir, 'token');
    writeFileSync(file, 'a-token-long-enough-to-count\n');
    const env = {
      EVMGPU_MAX_BATCH_MS: '1500', EVMGPU_MAX_CONCURRENT_BATCHES: '3', EVMGPU_MAX_QUEUED_GAS: '1e8', EVMGPU_MAX_PENDING_BYTES: '64MiB',
      EVMGPU_MAX_EVENT_LOOP_DELAY: '0', EVMGPU_MAX_HEAP_USED: '1GiB', EVMGPU_AUTH_TOKEN_FILE: file,
    };
    expect(resolveConfig({}, env)).toMatchObject({
      maxBatchMs: 1500, maxConcurrentBatches: 3, maxQueuedGas: 1e8, maxPendingBytes: 64 * 1024 ** 2, maxEventLoopDelayMs: 0, maxHeapUsedBytes: 1024 ** 3, authTokenFile: file,
    });
    expect(resolveConfig({ 'max-batch-ms': '10' }, env).maxBatchMs).toBe(10);
    writeFileSync(file, 'short\n');
    expect(() => resolveConfig({}, env)).toThrow(/EVMGPU_AUTH_TOKEN_FILE: .* at least 16 characters/);
    expect(() => resolveConfig({ 'auth-token-file': join(dir, 'missing') }, {})).toThrow(/--auth-token-file: cannot read/);
    expect(() => resolveConfig({ 'max-concurrent-batches': '0' }, {})).toThrow(/--max-concurrent-batches: must be at least 1/);
    expect(() => resolveConfig({}, { EVMGPU_MAX_BATCH_MS: 'soon' })).toThrow(/EVMGPU_MAX_BATCH_MS/);
  });

  it('sizes take binary and decimal units', () => {
    expect(parseSize('512', 'x')).toBe(512);
    expect(parseSize('2KiB', 'x')).toBe(2048);
    expect(parseSize('2kb', 'x')).toBe(2000);
    expect(parseSize('1 GiB', 'x')).toBe(1024 ** 3);
    expect(parseSize('256M', 'x')).toBe(256 * 1024 ** 2);
  });

  it('refuses bad values, naming the flag or variable', () => {
    const bad: [Record<string, string>, Record<string, string>, RegExp][] = [
      [{ port: '70000' }, {}, /--port/],
      [{}, { EVMGPU_PORT: 'http' }, /EVMGPU_PORT/],
      [{ 'body-limit': '10 parsecs' }, {}, /--body-limit/],
      [{ 'max-txs': '0' }, {}, /--max-txs: must be at least 1/],
      [{ 'max-txs': '-5' }, {}, /--max-txs/],
      [{ 'max-batch-gas': '1e30' }, {}, /below 2\^53/],
      [{}, { EVMGPU_LOG_LEVEL: 'loud' }, /EVMGPU_LOG_LEVEL/],
      [{ host: ' ' }, {}, /--host/],
    ];
    for (const [flags, env, message] of bad) {
      expect(() => resolveConfig(flags, env)).toThrow(ConfigError);
      expect(() => resolveConfig(flags, env)).toThrow(message);
    }
  });
});

describe('response negotiation', () => {
  it('JSON by default and for wildcards; msgpack when preferred; nothing when nothing fits', () => {
    expect(negotiateResponse(undefined)).toBe('json');
    expect(negotiateResponse('')).toBe('json');
    expect(negotiateResponse('*/*')).toBe('json');
    expect(negotiateResponse('application/*')).toBe('json');
    expect(negotiateResponse('application/JSON')).toBe('json');
    expect(negotiateResponse('application/x-msgpack')).toBe('msgpack');
    expect(negotiateResponse('application/json;q=0.9, application/msgpack')).toBe('msgpack');
    expect(negotiateResponse('application/vnd.msgpack, */*;q=0.1')).toBe('msgpack');
    expect(negotiateResponse('*/*, application/json;q=0')).toBe('msgpack');
    expect(negotiateResponse('text/html')).toBeUndefined();
    expect(negotiateResponse('application/json;q=0, application/*;q=0')).toBeUndefined();
  });
});

describe('evmgpu serve: arguments', () => {
  it('prints help (exit 0), refuses unknown flags and bad values (exit 2)', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await serve(['--help'])).toBe(0);
      expect(log.mock.calls[0][0]).toContain('EVMGPU_BODY_LIMIT');
      expect(await serve(['--colour', 'blue'])).toBe(2);
      expect(await serve(['--port', 'eighty'])).toBe(2);
      expect(err.mock.calls.at(-1)?.[0]).toContain('--port');
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  });
});

describe('runtime configuration', () => {
  it('defaults: one worker per core, the cache under XDG_CACHE_HOME, contract kernels by adapter', () => {
    const r = resolveAll({}, { XDG_CACHE_HOME: '/tmp/xdg' }).runtime;
    expect(r).toEqual({ cpuWorkers: expect.any(Number), cacheDir: '/tmp/xdg/evmgpu' });
    expect(r.cpuWorkers).toBeGreaterThanOrEqual(1);
  });

  it('reads every EVMGPU_* runtime variable, flags first', () => {
    const env = { EVMGPU_CPU_WORKERS: '3', EVMGPU_CACHE_DIR: '/var/cache/x', EVMGPU_CONTRACT_KERNELS: 'wait', EVMGPU_CONTRACT_FRAGMENTS: 'all' };
    expect(resolveAll({}, env).runtime).toEqual({ cpuWorkers: 3, cacheDir: '/var/cache/x', contractKernels: 'wait', contractFragments: 'all' });
    expect(resolveAll({ 'cpu-workers': '5', 'contract-kernels': 'off' }, env).runtime).toMatchObject({ cpuWorkers: 5, contractKernels: 'off' });
  });

  it('refuses bad runtime values at start-up, naming the variable (a bad worker count was once ignored)', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ EVMGPU_CPU_WORKERS: 'many' }, /EVMGPU_CPU_WORKERS/],
      [{ EVMGPU_CPU_WORKERS: '0' }, /EVMGPU_CPU_WORKERS: must be at least 1/],
      [{ EVMGPU_CONTRACT_KERNELS: 'sometimes' }, /EVMGPU_CONTRACT_KERNELS: 'sometimes' is not one of off, background, wait/],
      [{ EVMGPU_CONTRACT_FRAGMENTS: 'most' }, /EVMGPU_CONTRACT_FRAGMENTS/],
      [{ EVMGPU_CACHE_DIR: ' ' }, /EVMGPU_CACHE_DIR: must not be empty/],
    ];
    for (const [env, message] of bad) expect(() => resolveAll({}, env)).toThrow(message);
  });

  it("the README's table lists every setting, with its flag and variable, in the table's order", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\| `--([a-z-]+)` \| `(EVMGPU_[A-Z_]+)` \|/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(SETTINGS.map((s) => [s.flag, s.env]));
  });
});

describe('evmgpu serve: runtime settings', () => {
  it('exits 2 on a bad runtime variable before listening', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const before = process.env.EVMGPU_CPU_WORKERS;
    process.env.EVMGPU_CPU_WORKERS = 'lots';
    try {
      expect(await serve(['--port', '0'])).toBe(2);
      expect(err.mock.calls.at(-1)?.[0]).toContain('EVMGPU_CPU_WORKERS');
    } finally {
      if (before === undefined) delete process.env.EVMGPU_CPU_WORKERS;
      else process.env.EVMGPU_CPU_WORKERS = before;
      err.mockRestore();
    }
  });
});
