import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { charts } from './charts.js';
import { markdownTable } from './markdown.js';
import type { Report } from './types.js';

export interface Written {
  json: string;
  markdown: string;
  charts: string[];
}

/** Writes report.json, report.md and each chart as .svg and .png into `dir`. */
export async function writeReport(report: Report, dir: string, jsonPath?: string): Promise<Written> {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'report.json');
  const text = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(json, text);
  if (jsonPath) writeFileSync(jsonPath, text);
  const markdown = join(dir, 'report.md');
  writeFileSync(markdown, markdownTable(report));
  const files: string[] = [];
  for (const c of await charts(report)) {
    const svg = join(dir, `${c.name}.svg`);
    const png = join(dir, `${c.name}.png`);
    writeFileSync(svg, c.svg);
    writeFileSync(png, c.png);
    files.push(svg, png);
  }
  return { json, markdown, charts: files };
}
