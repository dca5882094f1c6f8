/**
 * The README's benchmark tables, generated from bench/results.json between the markers
 * `<!-- bench:begin -->` and `<!-- bench:end -->` (never typed by hand). bench/run.ts calls it after a
 * full run; `npx tsx bench/readme.ts` regenerates the tables from the recorded results.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '..');
const BEGIN = '<!-- bench:begin -->';
const END = '<!-- bench:end -->';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Results = Record<string, any>;

const table = (head: string[], rows: (string | number)[][], right: number[] = []) =>
  [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (right.includes(i) ? '---:' : '---')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

export function benchMarkdown(r: Results): string {
  const m = r.machine;
  const lines: string[] = [
    `Recorded ${r.generated.slice(0, 10)} by \`npm run bench\` on ${m.cpus} cores (Node ${m.node}, moto ${m.moto}, load average ${m.loadAverageAtEnd.join(' / ')} at the end: the machine is shared), concurrency ${m.concurrency}. Raw figures: \`bench/results.json\`.`,
    '',
    '**Calls per resource** (every SDK call the sweep sent for the resource, listing aside):',
    '',
    table(
      ['resource', 'state', 'mode', 'calls', 'the calls'],
      r.callsPerResource.map((c: any) => [c.kind, c.state, c.mode, `${c.calls}${c.target !== undefined ? ` (target ${c.target === 1 ? '1' : `≤ ${c.target}`})` : ''}`, c.commands.join(', ') + (c.note ? ` — ${c.note}` : '')]),
      [3],
    ),
    '',
    '**Sweeps** against the benchmark\'s own emulator (one region; each sweep a process of its own, `--json`); *ceiling* is the emulator answering the same number of plain `GetQueueAttributes` calls at the same concurrency, and *ratio* sweep time / ceiling time:',
    '',
    table(
      ['queues + topics + brokers', 'mode', 'phase', 'wall s', 'resources/s', 'calls', 'calls/resource', 'peak RSS MB', 'ceiling s', 'ratio'],
      r.sweeps.map((s: any) => [`${s.queues} + ${s.topics} + ${s.brokers}`, s.mode, s.phase.split(':')[0], s.wallS, s.resourcesPerS, s.calls, s.callsPerResource, s.peakRssMb, s.ceilingS, s.ratio]),
      [3, 4, 5, 6, 7, 8, 9],
    ),
    '',
    '**Engine overhead per event** (no I/O; median of 5 rounds):',
    '',
    table(['case', 'µs per operation', 'budget µs'], r.engine.map((e: any) => [e.name, e.usPerOp, e.budgetUs]), [1, 2]),
    '',
    '**Lambda bundles** (as `sst deploy` builds them) and their cold import time (median of 5 fresh processes):',
    '',
    table(['function', 'KiB', 'zipped KiB', 'cold import ms'], r.bundles.map((b: any) => [b.name, b.kib, b.zippedKib, b.coldImportMs]), [1, 2, 3]),
    '',
    '**Targets**:',
    '',
    table(['target', 'value', 'met'], r.targets.map((t: any) => [`${t.name} ${t.target}`, t.value, t.ok ? 'yes' : '**no**']), []),
  ];
  return lines.join('\n');
}

export function writeReadme(results: Results, path = join(ROOT, 'README.md')): void {
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${BEGIN} … ${END} markers`);
  writeFileSync(path, `${text.slice(0, start + BEGIN.length)}\n${benchMarkdown(results)}\n${text.slice(end)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeReadme(JSON.parse(readFileSync(join(ROOT, 'bench/results.json'), 'utf8')));
}
