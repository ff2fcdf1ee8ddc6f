import { interpreterPrelude } from '../gpu/interpreter-wgsl.js';
import { kernelsRoot, linkWgslSource, shadersRoot } from '../gpu/wgsl-linker.js';
import { programLayoutWgsl } from './program-layout.js';

let source: string | undefined;

/**
 * The kernel that runs compiled programs: the interpreter's generated declarations,
 * the program layout, and kernels/compiled/main.wgsl with what it requires (the
 * interpreter modules and the shaders/ library, linked, not copied).
 */
export function compiledKernelSource(): string {
  source ??= linkWgslSource(`//! requires: compiled/main\n${interpreterPrelude()}\n\n${programLayoutWgsl()}\n`, { roots: [kernelsRoot(), shadersRoot()] });
  return source;
}
