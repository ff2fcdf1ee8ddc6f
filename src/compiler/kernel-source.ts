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
  source ??= linkWgslSource(`//! requires: compiled/main compiled/program\n${interpreterPrelude()}\n\n${programLayoutWgsl()}\n\nfn fast_fragment() -> u32 {\n  return program_fragment();\n}\n`, { roots: [kernelsRoot(), shadersRoot()] });
  return source;
}

/**
 * A kernel of one contract's own: kernels/compiled/main.wgsl with the fast_fragment()
 * the WGSL back end wrote for it (emit-wgsl.ts), and, when it holds only some
 * fragments, the program back end for the pcs it left out. (Linking the program back
 * end costs lavapipe seconds of compile per kernel, so a kernel of every fragment
 * does without it.)
 */
export function contractKernelSource(emitted: string, withProgram: boolean, frames = true): string {
  return linkWgslSource(`//! requires: compiled/main${withProgram ? ' compiled/program' : ''}\n${interpreterPrelude({ frames })}\n\n${programLayoutWgsl()}\n\n${emitted}`, { roots: [kernelsRoot(), shadersRoot()] });
}
