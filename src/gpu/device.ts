import { ensureXdgRuntimeDir } from '../config/environment.js';
import { spaceDawnEventPump } from './event-pump.js';

/**
 * Opens WebGPU devices. Dawn's instance (what `create()` returns) is the one
 * process-wide object here, and deliberately so: it must stay strongly referenced
 * while any device lives, or Dawn dereferences the freed instance in ProcessEvents and
 * aborts (futex / std::system_error), and only when a dispatch runs long enough for a
 * GC, so it looks random. Devices themselves are owned by whoever opened them (a
 * GpuRuntime), never shared through this module.
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

/** A fresh device on the best adapter; rejects when no adapter exists. */
export async function openGpuContext(): Promise<GpuContext> {
  ensureXdgRuntimeDir();
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
  // The device's work shares the CPU with the thread that waits for it (event-pump.ts).
  if (software) spaceDawnEventPump();
  return { gpu: instance, adapter, device, adapterName, software };
}
