// Worker entry when running from TypeScript sources (tests, tsx): registers tsx's loader
// in the worker thread, then loads the TypeScript worker. Built code (dist/) uses worker.js.
import { register } from 'tsx/esm/api';

register();
const mod = await import('./worker.ts');
export default mod.default;
export const decode = mod.decode;
