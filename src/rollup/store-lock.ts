import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One chain per store: the chain checks the head and then writes, which two writers
 * would interleave. A lock file names the process that holds the store; one left by a
 * process that no longer runs (killed) is taken over.
 */
export function lock(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = Number(readFileSync(file, 'utf8'));
    if (holder && holder !== process.pid && alive(holder)) throw new Error(`the chain store in ${dir} is in use by process ${holder}`);
    if (holder === process.pid) throw new Error(`the chain store in ${dir} is already open in this process`);
    rmSync(file, { force: true });
  }
}

export function unlock(dir: string): void {
  rmSync(join(dir, LOCK_FILE), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const LOCK_FILE = 'chain.lock';

