/** Human-readable output: a plan/result listing for a person. Colour only on a TTY. */
import { permissionsOf, STATUSES, type AnyRemediation, type Result, type Status } from '@fixbridge/core';

export interface Style {
  color: boolean;
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 } as const;
export function paint(style: Style, color: keyof typeof CODES, text: string): string {
  return style.color ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
}

export const STATUS_COLOR: Record<Status, keyof typeof CODES> = {
  compliant: 'green',
  applied: 'green',
  planned: 'cyan',
  'awaiting-approval': 'magenta',
  blocked: 'yellow',
  'not-remediable': 'yellow',
  skipped: 'gray',
  failed: 'red',
};

export function brief(value: unknown, max = 400): string {
  if (value === null || value === undefined) return '(none)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}… (--json shows all)` : text;
}

function statementTexts(doc: unknown): string[] | undefined {
  if (doc === null || doc === undefined) return [];
  if (typeof doc !== 'object' || !('Statement' in doc)) return undefined;
  const st = (doc as { Statement: unknown }).Statement;
  return (Array.isArray(st) ? st : [st]).map((x) => JSON.stringify(x));
}

/** For whole-policy changes, the statements removed and added (the rest is unchanged). */
export function policyDiff(before: unknown, after: unknown): { removed: string[]; added: string[]; kept: number } | undefined {
  const b = statementTexts(before);
  const a = statementTexts(after);
  if (!b || !a || (before == null && after == null)) return undefined;
  return { removed: b.filter((x) => !a.includes(x)), added: a.filter((x) => !b.includes(x)), kept: a.filter((x) => b.includes(x)).length };
}

export function formatResults(results: Result[], style: Style): string {
  if (results.length === 0) return 'no results\n';
  const width = Math.max(...results.map((r) => r.status.length));
  const lines: string[] = [];
  for (const r of results) {
    const status = paint(style, STATUS_COLOR[r.status], r.status.toUpperCase().padEnd(width));
    lines.push(`${status}  ${paint(style, 'bold', r.remediation ?? '(none)')}  ${r.resourceArn ?? ''}  [${r.mode}]`);
    const indent = ' '.repeat(width + 2);
    lines.push(`${indent}${r.reason}`);
    for (const c of r.changes) {
      lines.push(`${indent}~ ${c.field}: ${c.description}`);
      const diff = policyDiff(c.before, c.after);
      if (diff) {
        for (const s of diff.removed) lines.push(`${indent}    - ${paint(style, 'red', brief(s))}`);
        for (const s of diff.added) lines.push(`${indent}    + ${paint(style, 'green', brief(s))}`);
        if (diff.kept) lines.push(`${indent}    (${diff.kept} other statement${diff.kept === 1 ? '' : 's'} unchanged)`);
        continue;
      }
      lines.push(`${indent}    before: ${paint(style, 'red', brief(c.before))}`);
      lines.push(`${indent}    after:  ${paint(style, 'green', brief(c.after))}`);
    }
  }
  const counts = STATUSES.map((s) => [s, results.filter((r) => r.status === s).length] as const).filter(([, n]) => n > 0);
  lines.push('', counts.map(([s, n]) => `${n} ${s}`).join(', '));
  return lines.join('\n') + '\n';
}

export function formatCatalog(catalog: readonly AnyRemediation[], style: Style): string {
  const rows = catalog.map((r) => [
    r.id,
    r.kind.label,
    r.controls.securityHub.join(', ') || '—',
    r.controls.qualys.join(', ') || '—',
    r.risk === 'none' ? 'report only' : r.risk,
  ]);
  const header = ['REMEDIATION', 'RESOURCE', 'SECURITY HUB', 'QUALYS', 'RISK'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const lines = [paint(style, 'bold', fmt(header)), ...rows.map(fmt), ''];
  lines.push('Permissions (exact IAM actions each remediation calls):');
  for (const r of catalog) {
    lines.push(`  ${r.id}: ${permissionsOf(r).join(', ')}`);
    if (r.controls.seeds.length) lines.push(`  ${' '.repeat(r.id.length)}  seed refs: ${r.controls.seeds.join('; ')}`);
  }
  return lines.join('\n') + '\n';
}
