import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * The Docker image's file tree without Docker (base images cannot be pulled here):
 * the Dockerfile is read stage by stage, each COPY is done into a folder per stage,
 * and each RUN is emulated when it is one of the steps below; any other RUN fails the
 * check, so a Dockerfile change cannot slip past it. What the service then loads from
 * the final stage's folder is what the image would hold.
 *
 * RUN steps emulated: `npm ci` (node_modules linked from the checkout; nothing is
 * downloaded), `npm run build` (run for real), `npm prune` (skipped: it would prune the
 * checkout's node_modules through the link), installs of system packages
 * (scripts/setup-system.sh, apt lists: the host has them), `mkdir -p`/`chmod` (folders).
 */
export interface ImageTree {
  /** The temporary folder holding every stage. */
  base: string;
  /** The final stage's WORKDIR, as a folder here. */
  root: string;
  /** ENV of the final stage. */
  env: Record<string, string>;
  /** CMD of the final stage. */
  cmd: string[];
  /** Every COPY line, as read. */
  copies: string[];
}

interface Stage {
  name: string;
  dir: string;
  workdir: string;
  env: Record<string, string>;
  cmd: string[];
}

/** Dockerfile instructions, continuation lines joined and comments dropped. */
export function instructions(dockerfile: string): { op: string; args: string }[] {
  const joined = dockerfile.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = /^(\S+)\s*(.*)$/.exec(l)!;
      return { op: m[1].toUpperCase(), args: m[2] };
    });
}

/** A path inside a stage's folder, from an image path (absolute, or relative to WORKDIR). */
function inStage(stage: Stage, path: string): string {
  const abs = isAbsolute(path) ? path : join(stage.workdir, path);
  return join(stage.dir, abs);
}

function copyInto(from: string, to: string, destIsDir: boolean): void {
  const st = lstatSync(from);
  const target = destIsDir && !st.isDirectory() ? join(to, basename(from)) : to;
  mkdirSync(dirname(target), { recursive: true });
  if (st.isSymbolicLink()) symlinkSync(realpathSync(from), target);
  else cpSync(from, target, { recursive: true, verbatimSymlinks: false, dereference: false });
}

function emulateRun(stage: Stage, command: string, context: string): void {
  for (const step of command.split('&&').map((s) => s.trim())) {
    const cwd = join(stage.dir, stage.workdir);
    if (/^npm ci\b/.test(step)) {
      if (!existsSync(join(cwd, 'package-lock.json'))) throw new Error(`npm ci without package-lock.json in ${stage.workdir}`);
      symlinkSync(realpathSync(join(context, 'node_modules')), join(cwd, 'node_modules'));
    } else if (/^npm run build$/.test(step)) {
      execFileSync('npm', ['run', '--silent', 'build'], { cwd, stdio: 'pipe' });
    } else if (/^npm prune\b/.test(step)) {
      // Skipped: node_modules is the checkout's, linked.
    } else if (/^bash scripts\/setup-system\.sh$/.test(step) || /^rm -rf \/var\/lib\/apt\/lists\/\*$/.test(step)) {
      // System packages: the host has them (scripts/setup.sh).
    } else if (/^mkdir -p \S+$/.test(step)) {
      mkdirSync(inStage(stage, step.split(/\s+/)[2]), { recursive: true });
    } else if (/^chmod \d+ \S+$/.test(step)) {
      // Permissions of a folder the service makes its own.
    } else {
      throw new Error(`the image check cannot emulate RUN step '${step}': teach test/support/image-tree.ts`);
    }
  }
}

/** Assembles every stage of `dockerfile` (paths relative to `context`) in a temporary folder. */
export function assembleImage(context: string, dockerfile = join(context, 'Dockerfile')): ImageTree {
  const base = mkdtempSync(join(tmpdir(), 'evmgpu-image-'));
  try {
    return assembleIn(base, context, dockerfile);
  } catch (e) {
    rmSync(base, { recursive: true, force: true });
    throw e;
  }
}

function assembleIn(base: string, context: string, dockerfile: string): ImageTree {
  const stages = new Map<string, Stage>();
  const copies: string[] = [];
  let stage: Stage | undefined;
  for (const { op, args } of instructions(readFileSync(dockerfile, 'utf8'))) {
    if (op === 'FROM') {
      const name = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? `stage${stages.size}`;
      stage = { name, dir: join(base, name), workdir: '/', env: {}, cmd: [] };
      mkdirSync(stage.dir, { recursive: true });
      stages.set(name, stage);
      continue;
    }
    if (!stage) throw new Error(`${op} before FROM`);
    if (op === 'WORKDIR') {
      stage.workdir = resolve(stage.workdir, args);
      mkdirSync(join(stage.dir, stage.workdir), { recursive: true });
    } else if (op === 'ENV') {
      for (const m of args.matchAll(/(\w+)=(\S+)/g)) stage.env[m[1]] = m[2];
    } else if (op === 'CMD') {
      stage.cmd = JSON.parse(args) as string[];
    } else if (op === 'COPY') {
      copies.push(args);
      const words = args.split(/\s+/);
      const from = words[0].startsWith('--from=') ? stages.get(words.shift()!.slice('--from='.length)) : undefined;
      if (words[0]?.startsWith('--')) throw new Error(`COPY flag not understood: ${words[0]}`);
      const dest = words.pop()!;
      const destPath = inStage(stage, dest);
      const destIsDir = dest.endsWith('/') || words.length > 1;
      for (const src of words) {
        const source = from ? inStage(from, src) : join(context, src);
        if (!existsSync(source) && !isLink(source)) throw new Error(`COPY source missing: ${from ? `${from.name}:` : ''}${src}`);
        copyInto(source, destPath, destIsDir);
      }
    } else if (op === 'RUN') {
      emulateRun(stage, args, context);
    } else if (!['EXPOSE', 'USER', 'LABEL', 'ARG'].includes(op)) {
      throw new Error(`Dockerfile instruction not understood by the image check: ${op}`);
    }
  }
  if (!stage) throw new Error('no stage in the Dockerfile');
  return { base, root: join(stage.dir, stage.workdir), env: stage.env, cmd: stage.cmd, copies };
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
