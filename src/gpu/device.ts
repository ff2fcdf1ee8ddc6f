import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One Dawn instance per process. The object `create()` returns must stay strongly
 * referenced while any device lives: if it is collected, Dawn dereferences the freed
 * instance in ProcessEvents and aborts (futex / std::system_error), and only when a
 * dispatch runs long enough for a GC, so it looks random. This module holds it.
 */
export interface GpuContext {
  readonly gpu: GPU;
  readonly adapter: GPUAdapter;
  readonly device: GPUDevice;
  /** Adapter description: vendor, architecture, device (llvmpipe on lavapipe). */
  readonly adapterName: string;
  /** True on Mesa's CPU Vulkan driver: timings there say nothing about a real GPU. */
  readonly software: boolean;
}

let instance: GPU | undefined;
let shared: Promise<GpuContext> | undefined;
let current: GpuContext | undefined;

function ensureRuntimeDir(): void {
  // Mesa prints errors (and some loaders misbehave) when XDG_RUNTIME_DIR is unset.
  if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'evmgpu-xdg-'));
}

async function open(): Promise<GpuContext> {
  ensureRuntimeDir();
  const webgpu = await import('webgpu');
  Object.assign(globalThis, webgpu.globals);
  instance ??= webgpu.create([]);
  const adapter = await instance.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('no WebGPU adapter: install a Vulkan driver (scripts/setup-system.sh installs lavapipe)');
  const info = adapter.info;
  const adapterName = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ').trim() || 'unknown adapter';
  const device = await adapter.requestDevice({
    // Ask for what the adapter offers: the default 128 MiB binding cap is too small for large batches.
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupsPerDimension: adapter.limits.maxComputeWorkgroupsPerDimension,
    },
  });
  const software = /llvmpipe|lavapipe|swiftshader/i.test(adapterName);
  const ctx = { gpu: instance, adapter, device, adapterName, software };
  // A lost device is never reused: the next gpuContext() opens a fresh one.
  void device.lost.then(() => {
    if (current === ctx) {
      shared = undefined;
      current = undefined;
    }
  });
  current = ctx;
  return ctx;
}

/** The process-wide GPU context, opened on first use. Rejects when no adapter exists. */
export function gpuContext(): Promise<GpuContext> {
  shared ??= open().catch((e) => {
    shared = undefined;
    throw e;
  });
  return shared;
}

/** The process-wide GPU context if one is open now; never opens one (for reports). */
export function currentGpuContext(): GpuContext | undefined {
  return current;
}

/** Destroys the shared device so the process can exit; the instance is kept for reuse. */
export async function closeGpu(): Promise<void> {
  const ctx = shared;
  shared = undefined;
  current = undefined;
  if (ctx) (await ctx.catch(() => undefined))?.device.destroy();
}
