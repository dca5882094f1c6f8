/** Human-readable output: a plan/result listing for a person. Colour only on a TTY. */
import { permissionsOf, STATUSES, type AnyRemediation, type Result, type Status } from '@fixbridge/core';
import { statusAt, type Approval, type ShownStatus } from '@fixbridge/core/approvals';

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

/** A duration as a person reads it: 45s, 12m, 3h20m, 2d4h. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  return `${Math.floor(h / 24)}d${h % 24 ? `${h % 24}h` : ''}`;
}

const APPROVAL_COLOR: Record<ShownStatus, keyof typeof CODES> = {
  pending: 'magenta',
  approved: 'cyan',
  applied: 'green',
  failed: 'red',
  superseded: 'yellow',
  rejected: 'yellow',
  expired: 'gray',
};

/** `fixbridge approvals list`: one line per approval. */
export function formatApprovals(approvals: Approval[], style: Style, now: Date, all: boolean): string {
  if (approvals.length === 0) return all ? 'no approvals\n' : 'no pending approvals ("--all" lists decided and expired ones too)\n';
  const rows = approvals.map((a) => {
    const status = statusAt(a, now);
    const left = Date.parse(a.expiresAt) - now.getTime();
    const plan = a.plan.changes.map((c) => c.description).join('; ') || a.plan.reason;
    return [a.id, status, a.remediation, a.resourceArn, duration(now.getTime() - Date.parse(a.createdAt)), status === 'pending' ? `in ${duration(left)}` : '—', plan];
  });
  const header = ['ID', 'STATUS', 'REMEDIATION', 'RESOURCE', 'AGE', 'EXPIRES', 'PLAN'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[], color?: keyof typeof CODES) =>
    r.map((c, i) => (i === 1 && color ? paint(style, color, c.padEnd(widths[i]!)) : i === r.length - 1 ? brief(c, 120) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [paint(style, 'bold', line(header)), ...rows.map((r) => line(r, APPROVAL_COLOR[r[1] as ShownStatus]))].join('\n') + '\n';
}

/** A value in full, JSON pretty-printed (a policy held as JSON text too), indented by `indent`. */
function full(value: unknown, indent: string): string {
  let v = value;
  if (typeof v === 'string' && /^\s*[[{]/.test(v)) {
    try {
      v = JSON.parse(v);
    } catch {
      /* plain text */
    }
  }
  const text = v === null || v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v, null, 2);
  return text.split('\n').join(`\n${indent}`);
}

/** `fixbridge approvals show <id>`: the whole plan, the decision and the outcome. */
export function formatApproval(a: Approval, style: Style, now: Date): string {
  const status = statusAt(a, now);
  const t = a.trigger;
  const lines = [
    `${paint(style, 'bold', a.id)}  ${paint(style, APPROVAL_COLOR[status], status.toUpperCase())}  ${paint(style, 'bold', a.remediation)}  ${a.title}`,
    `  resource:     ${a.resourceArn} (account ${a.account}, ${a.region})`,
    `  controls:     ${a.controls.join(', ') || '—'}; risk ${a.risk}`,
    `  triggered by: ${t.kind}${t.eventName ? ` ${t.eventName}` : ''}${t.controlId ? ` ${t.controlId}` : ''}${t.eventId ? ` (event ${t.eventId})` : ''}${t.findingId ? ` finding ${t.findingId}` : ''}`,
    `  filed:        ${a.createdAt}; expires ${a.expiresAt}${status === 'pending' ? ` (in ${duration(Date.parse(a.expiresAt) - now.getTime())})` : ''}`,
    `  approvers:    ${a.approvers.length ? `${a.approvers.join(', ')} (in Slack)` : '— (no Slack approvers: decide from the CLI)'}${a.slack ? `; posted to Slack ${a.slack.channel} at ${a.slack.ts}` : ''}`,
    `  plan:         ${a.plan.reason}`,
  ];
  for (const c of a.plan.changes) {
    lines.push(`    ~ ${c.field}: ${c.description}`);
    lines.push(`        before: ${paint(style, 'red', full(c.before, '                '))}`);
    lines.push(`        after:  ${paint(style, 'green', full(c.after, '                '))}`);
  }
  lines.push(`  plan hash:    ${a.planHash} (over the changes and the exact writes)`);
  if (a.decision) {
    const d = a.decision;
    lines.push(`  decision:     ${d.verdict === 'approve' ? 'approved' : 'rejected'} by ${d.by.name ?? d.by.id} (${d.by.channel}) at ${d.at}${d.reason ? `: ${d.reason}` : ''}`);
  }
  if (a.outcome) lines.push(`  outcome:      ${a.outcome.reason}${a.outcome.supersededBy ? ` (now ${a.outcome.supersededBy})` : ''}`);
  if (status === 'pending') lines.push('', `Decide: fixbridge approve ${a.id}   or   fixbridge reject ${a.id} --reason "…"`);
  return lines.join('\n') + '\n';
}
