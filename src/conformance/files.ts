import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every .json file under the given files/dirs, sorted, skipping manifests and READMEs. */
export function collectJsonFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) walk(join(p, e));
    } else if (p.endsWith('.json') && !/(^|\/)(manifest|index)\.json$/.test(p)) {
      out.push(p);
    }
  };
  for (const p of paths) walk(p);
  return out;
}
