import cliProgress from 'cli-progress';

/** Reports each finished measurement: a bar on a terminal, one plain line each otherwise (CI logs). */
export interface Progress {
  start(total: number): void;
  step(label: string): void;
  /** Raises the total when a workload turns out to have more cases than estimated. */
  grow(by: number): void;
  stop(): void;
}

export const silentProgress: Progress = { start() {}, step() {}, grow() {}, stop() {} };

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) {
    let done = 0;
    let total = 0;
    return {
      start: (t) => void (total = t),
      step: (label) => void stream.write(`[${++done}/${total}] ${label}\n`),
      grow: (by) => void (total += by),
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: '{bar} {value}/{total} | {eta_formatted} left | {label}', stream, hideCursor: true, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  let total = 0;
  return {
    start: (t) => {
      total = t;
      bar.start(t, 0, { label: 'warming up engines' });
    },
    step: (label) => bar.increment(1, { label }),
    grow: (by) => bar.setTotal((total += by)),
    stop: () => bar.stop(),
  };
}
