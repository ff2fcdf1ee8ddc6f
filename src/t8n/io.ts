import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, T8nError } from './errors.js';
import { goJson, sortedKeys } from './output.js';
import type { T8nInput, T8nOutput } from './transition.js';

/**
 * Where t8n reads its three inputs from and writes its three outputs to, following
 * geth: an input named `stdin` comes from one JSON object `{alloc, env, txs}` on
 * stdin (`txsRlp` for signed RLP); an output named `stdout` / `stderr` goes into one
 * JSON object on that stream; an empty output name is not written; anything else is a
 * file under `--output.basedir`.
 */
export const STDIN = 'stdin';

export interface InputPaths {
  alloc: string;
  env: string;
  txs: string;
}

export interface OutputPaths {
  basedir: string;
  alloc: string;
  result: string;
  body: string;
}

export interface Streams {
  readStdin: () => string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new T8nError(ExitCode.Json, `failed unmarshaling ${what}: ${(e as Error).message}`);
  }
}

function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new T8nError(ExitCode.IO, `failed reading ${what} file: ${(e as Error).message}`);
  }
  return parseJson(text, `${what} file`);
}

export function readInputs(paths: InputPaths, streams: Streams): T8nInput {
  let stdin: Record<string, unknown> = {};
  if (paths.alloc === STDIN || paths.env === STDIN || paths.txs === STDIN) {
    const v = parseJson(streams.readStdin(), 'stdin');
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new T8nError(ExitCode.Json, 'failed unmarshaling stdin: expected an object');
    stdin = v as Record<string, unknown>;
  }
  const alloc = paths.alloc === STDIN ? stdin.alloc : readJsonFile(paths.alloc, 'alloc');
  const env = paths.env === STDIN ? stdin.env : readJsonFile(paths.env, 'env');
  let txs: unknown;
  if (paths.txs === STDIN) {
    txs = typeof stdin.txsRlp === 'string' && stdin.txsRlp.length > 0 ? stdin.txsRlp : stdin.txs;
  } else {
    txs = readJsonFile(paths.txs, 'txs');
    if (paths.txs.endsWith('.rlp') && typeof txs !== 'string') throw new T8nError(ExitCode.Rlp, 'an .rlp txs file must hold one JSON string of hex');
  }
  return { alloc, env, txs };
}

export function writeOutputs(out: T8nOutput, paths: OutputPaths, streams: Streams): void {
  try {
    if (paths.basedir) mkdirSync(paths.basedir, { recursive: true });
  } catch (e) {
    throw new T8nError(ExitCode.IO, `failed creating output basedir: ${(e as Error).message}`);
  }
  const toStdout: Record<string, unknown> = {};
  const toStderr: Record<string, unknown> = {};
  const dispatch = (target: string, name: keyof T8nOutput) => {
    if (target === 'stdout') toStdout[name] = out[name];
    else if (target === 'stderr') toStderr[name] = out[name];
    else if (target !== '') {
      const file = join(paths.basedir, target);
      try {
        writeFileSync(file, goJson(out[name], 1));
      } catch (e) {
        throw new T8nError(ExitCode.IO, `failed writing output: ${(e as Error).message}`);
      }
    }
  };
  dispatch(paths.alloc, 'alloc');
  dispatch(paths.result, 'result');
  dispatch(paths.body, 'body');
  if (Object.keys(toStdout).length) streams.stdout(goJson(sortedKeys(toStdout), 2) + '\n');
  if (Object.keys(toStderr).length) streams.stderr(goJson(sortedKeys(toStderr), 2) + '\n');
}
