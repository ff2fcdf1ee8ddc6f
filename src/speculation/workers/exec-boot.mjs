// Exec thread entry when running from TypeScript sources (tests, tsx): registers tsx's
// loader in the thread, then loads the TypeScript thread. Built code (dist/) uses exec-worker.js.
import { register } from 'tsx/esm/api';

register();
await import('./exec-worker.ts');
