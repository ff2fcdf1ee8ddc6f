import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { Report, Row } from './types.js';

/** The font shipped in bench/assets: charts render the same on every machine, with or without system fonts. */
export const FONT_FILE = new URL('../assets/DejaVuSans.ttf', import.meta.url).pathname;
const FONT = 'DejaVu Sans';

export interface Chart {
  name: string;
  svg: string;
  png: Buffer;
}

function points(rows: Row[]) {
  return rows
    .filter((r) => r.correct)
    .map((r) => ({ workload: r.workload, engine: r.engine, txs: r.txs, txPerSec: r.txPerSec, ratio: r.ratioVsReference }));
}

function faceted(title: string, rows: Row[], y: { field: string; title: string; log: boolean }): vl.TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: points(rows) },
    facet: { field: 'workload', type: 'nominal', title: null },
    columns: 4,
    // Each panel spans its own sizes: mainnet blocks hold tens to a thousand transactions, the sweeps more.
    resolve: { scale: { x: 'independent', y: 'independent' } },
    spec: {
      width: 220,
      height: 160,
      encoding: {
        x: { field: 'txs', type: 'quantitative', scale: { type: 'log' }, title: 'transactions in the batch' },
        y: { field: y.field, type: 'quantitative', title: y.title, ...(y.log ? { scale: { type: 'log' } } : {}) },
        color: { field: 'engine', type: 'nominal' },
      },
      // Mainnet blocks are separate batches, not a sweep: points only, no line through them.
      layer: [
        { mark: { type: 'point', filled: true } },
        { transform: [{ filter: "datum.workload !== 'mainnet'" }], mark: 'line' },
      ],
    },
    config: { font: FONT, background: 'white' },
  } as vl.TopLevelSpec;
}

async function render(name: string, spec: vl.TopLevelSpec): Promise<Chart> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, { font: { fontFiles: [FONT_FILE], loadSystemFonts: false, defaultFontFamily: FONT }, fitTo: { mode: 'zoom', value: 2 } })
    .render()
    .asPng();
  return { name, svg, png };
}

/** (1) throughput against batch size per engine, one panel per workload; (2) the ratio against the reference. */
export async function charts(report: Report): Promise<Chart[]> {
  const { adapter, software } = report.machine;
  // The adapter's full description runs to a hundred characters; a title needs only which kind it was.
  const where = adapter === null ? ', no GPU adapter' : software ? ', GPU engines on a software adapter (llvmpipe)' : `, adapter ${adapter.slice(0, 60)}`;
  return [
    await render('throughput', faceted(`Transactions per second, end to end${where}`, report.rows, { field: 'txPerSec', title: 'tx/s (median)', log: false })),
    await render('ratio', faceted(`Speed relative to the reference engine (same run)${where}`, report.rows, { field: 'ratio', title: '× reference', log: false })),
  ];
}
