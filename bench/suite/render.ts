import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { markdownTable } from './markdown.js';
import { writeReport } from './report.js';
import type { Report } from './types.js';

/**
 * Re-renders the Markdown table and the charts of an existing report.json, so a change of
 * presentation never needs the (long) measurements again.
 *
 *   npx tsx bench/suite/render.ts bench/results/<run>/report.json [out-dir]
 */
const [jsonPath, outDir] = process.argv.slice(2);
if (!jsonPath) throw new Error('usage: npx tsx bench/suite/render.ts <report.json> [out-dir]');
const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as Report;
const written = await writeReport(report, outDir ?? dirname(jsonPath));
process.stdout.write(`${markdownTable(report)}\nwrote ${written.markdown}, ${written.charts.join(', ')}\n`);
