/**
 * `fixbridge sweep --report <file.md>`: a Markdown report a person can attach to a ticket — what was
 * swept, the summary per remediation, then each resource that is not compliant with its findings
 * and its changes (before and after; policy statements removed and added, pretty-printed), and a
 * list of the compliant resources. Resources are written to `<file>.part` as their results come, and
 * the report is put together at the end (the summary goes first), so memory stays bounded.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { access, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InputError, STATUSES, type Change } from '@fixbridge/core';
import type { SweepBatch, SweepSummary } from '@fixbridge/core/sweep';
import { policyDiff } from './format';

export interface ReportHeader {
  started: Date;
  accounts: string;
  regions: string;
  remediations: readonly string[];
  modes: string;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string) => '`' + text.replace(/`/g, "'") + '`';

function json(value: unknown): string {
  const text = typeof value === 'string' ? tryPretty(value) : JSON.stringify(value, null, 2);
  return ['```json', text, '```'].join('\n');
}
function tryPretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
const parsed = (value: unknown) => (typeof value === 'string' ? safeParse(value) : value);
function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function changeLines(c: Change): string[] {
  const lines = [`  - ${code(c.field)}: ${c.description}`];
  const diff = policyDiff(parsed(c.before), parsed(c.after));
  const indent = (block: string) => block.split('\n').map((l) => `    ${l}`);
  if (diff) {
    for (const s of diff.removed) lines.push('    Statement removed:', ...indent(json(s)));
    for (const s of diff.added) lines.push('    Statement added:', ...indent(json(s)));
    if (diff.kept) lines.push(`    (${diff.kept} other statement${diff.kept === 1 ? '' : 's'} unchanged)`);
    return lines;
  }
  const simple = (v: unknown) => v === null || v === undefined || (typeof v !== 'object' && String(v).length <= 80 && !String(v).startsWith('{'));
  if (simple(c.before) && simple(c.after)) {
    lines.push(`    Before: ${c.before === null || c.before === undefined ? '(none)' : code(String(c.before))} → after: ${c.after === null || c.after === undefined ? '(none)' : code(String(c.after))}`);
    return lines;
  }
  lines.push('    Before:', ...indent(c.before === null || c.before === undefined ? '(none)' : json(c.before)));
  lines.push('    After:', ...indent(c.after === null || c.after === undefined ? '(none)' : json(c.after)));
  return lines;
}

/** One resource's section (or results of no resource), or undefined when everything is compliant. */
export function resourceSection(batch: SweepBatch): string | undefined {
  const notable = batch.results.filter((r) => r.status !== 'compliant');
  if (notable.length === 0) return undefined;
  const title = batch.resource?.arn ?? notable[0]?.resourceArn ?? '(no resource)';
  const lines = [`### ${code(title)}`, ''];
  for (const r of batch.results) {
    lines.push(`- **${r.remediation ?? '(no remediation)'}** — ${r.status}${r.status === 'compliant' ? '' : ` (${r.mode})`}: ${r.reason}`);
    for (const c of r.changes) lines.push(...changeLines(c));
  }
  return lines.join('\n') + '\n\n';
}

export function summaryTable(summary: SweepSummary): string {
  const head = ['remediation', ...STATUSES];
  const rows = summary.remediations.map((row) => [row.remediation ?? '(no remediation)', ...STATUSES.map((s) => String(row.counts[s]))]);
  rows.push(['**total**', ...STATUSES.map((s) => `**${summary.totals[s]}**`)]);
  return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n') + '\n';
}

/** The report being written: sections as results come, the whole file at `finish`. */
export class SweepReport {
  private readonly part: WriteStream;
  private readonly compliant: WriteStream;
  private constructor(
    private readonly path: string,
    private readonly header: ReportHeader,
  ) {
    this.part = createWriteStream(`${path}.part`);
    this.compliant = createWriteStream(`${path}.compliant.part`);
  }

  /** Checks that the file can be written before anything is swept (bad input: exit 2, nothing changed). */
  static async open(path: string, header: ReportHeader): Promise<SweepReport> {
    try {
      await access(dirname(path));
      await writeFile(path, '');
    } catch (err) {
      throw new InputError(`--report ${path}: cannot be written (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
    }
    return new SweepReport(path, header);
  }

  async add(batch: SweepBatch): Promise<void> {
    const section = resourceSection(batch);
    if (section) await write(this.part, section);
    else if (batch.resource) await write(this.compliant, `- ${code(batch.resource.arn)}\n`);
  }

  async finish(summary: SweepSummary): Promise<void> {
    await Promise.all([end(this.part), end(this.compliant)]);
    const h = this.header;
    const failures = summary.targets.filter((t) => t.error);
    const top = [
      '# fixbridge sweep report',
      '',
      `- Started: ${h.started.toISOString()}, took ${(summary.durationMs / 1000).toFixed(1)} s${summary.interrupted ? ` — **stopped by Ctrl-C**: ${summary.notStarted} listed resource(s) not started, and listing may have been cut short` : ''}`,
      `- Accounts: ${h.accounts} (${summary.accounts.join(', ') || 'none'})`,
      `- Regions: ${h.regions}`,
      `- Mode: ${h.modes}`,
      `- Remediations: ${h.remediations.join(', ')}`,
      `- Resources: ${summary.listed} listed, ${summary.resources} checked`,
      '',
      '## Summary',
      '',
      summaryTable(summary),
      ...(failures.length ? ['## Not swept', '', ...failures.map((t) => `- ${t.error}`), ''] : []),
      '## Resources that are not compliant',
      '',
    ].join('\n');
    await writeFile(this.path, top);
    await pipeline(createReadStream(`${this.path}.part`), createWriteStream(this.path, { flags: 'a' }));
    await writeFile(this.path, `## Compliant resources\n\n`, { flag: 'a' });
    await pipeline(createReadStream(`${this.path}.compliant.part`), createWriteStream(this.path, { flags: 'a' }));
    await Promise.all([rm(`${this.path}.part`, { force: true }), rm(`${this.path}.compliant.part`, { force: true })]);
  }
}

function write(stream: WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.write(text)) resolve();
    else stream.once('drain', resolve).once('error', reject);
  });
}
function end(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(resolve);
  });
}

