import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes `file` so that a reader, in this process or another sharing the directory (two
 * services, two test workers), sees the old content or the new, never part of either:
 * the bytes go to a file of this process's own, which is then renamed over `file`.
 */
export function writeWhole(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
