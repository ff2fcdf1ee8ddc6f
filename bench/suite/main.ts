import { parseCli } from './config.js';
import { markdownTable } from './markdown.js';
import { terminalProgress } from './progress.js';
import { writeReport } from './report.js';
import { runSuite } from './run.js';

/**
 * The benchmark suite (issue #6): every workload on every engine, checked against the
 * reference on every run, then JSON, Markdown and charts. Exits non-zero when any
 * engine's result differed from the reference's or it failed to run.
 */
const cli = parseCli(process.argv.slice(2));
const report = await runSuite(cli.config, terminalProgress());
const written = await writeReport(report, cli.reportDir, cli.json);
process.stdout.write(`\n${markdownTable(report)}\n`);
process.stdout.write(`wrote ${written.json}, ${written.markdown}, ${written.charts.join(', ')}\n`);
const failed = report.rows.filter((r) => !r.correct && r.skipped === undefined);
if (failed.length > 0) {
  process.stderr.write(`${failed.length} row(s) failed: ${failed.map((r) => `${r.workload} ${r.label} ${r.engine}: ${r.error}`).join('; ')}\n`);
  process.exitCode = 1;
}
