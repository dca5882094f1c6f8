/**
 * The Slack messages of an approval, in Block Kit (pure): the request with its exact plan and the
 * Approve / Reject buttons, and what replaces it once decided (who decided, how it ended, no buttons).
 */
import type { KnownBlock } from '@slack/web-api';
import { statusAt, type Approval } from '../approvals/record';
import type { Change } from '../results';

export const APPROVE_ACTION = 'fixbridge_approve';
export const REJECT_ACTION = 'fixbridge_reject';
export const DECISION_BLOCK = 'fixbridge_decision';

export interface SlackMessage {
  /** The notification text (and what clients without Block Kit show). */
  text: string;
  blocks: KnownBlock[];
}

/** Slack's text limits: a section's text, a header's. */
const SECTION_MAX = 3000;
const HEADER_MAX = 150;

/** Slack wants `&`, `<` and `>` escaped in text (code blocks included). */
export function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clip(text: string, max: number, more: string): string {
  return text.length <= max ? text : `${text.slice(0, max - more.length - 2)}… ${more}`;
}

/** A value as a person reads it: JSON (a policy document, or a string holding one) pretty-printed, never escaped. */
export function readable(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(none)';
  if (typeof value === 'string') {
    if (/^\s*[[{]/.test(value)) {
      try {
        return JSON.stringify(JSON.parse(value), null, 2);
      } catch {
        /* plain text */
      }
    }
    return value;
  }
  return typeof value === 'object' ? JSON.stringify(value, null, 2) : String(value);
}

function statements(doc: unknown): unknown[] | undefined {
  const d = typeof doc === 'string' && /^\s*\{/.test(doc) ? (JSON.parse(doc) as unknown) : doc;
  if (d === null || d === undefined || d === '') return [];
  if (typeof d !== 'object' || !('Statement' in d)) return undefined;
  const st = (d as { Statement: unknown }).Statement;
  return Array.isArray(st) ? st : [st];
}

/** For a whole-policy change: the statements removed and added; undefined for other values. */
function policyDiff(c: Change): { removed: unknown[]; added: unknown[]; kept: number } | undefined {
  let before: unknown[] | undefined;
  let after: unknown[] | undefined;
  try {
    before = statements(c.before);
    after = statements(c.after);
  } catch {
    return undefined;
  }
  if (!before || !after || (c.before == null && c.after == null)) return undefined;
  const key = (s: unknown) => JSON.stringify(s);
  const b = new Set(before.map(key));
  const a = new Set(after.map(key));
  return { removed: before.filter((s) => !a.has(key(s))), added: after.filter((s) => !b.has(key(s))), kept: after.filter((s) => b.has(key(s))).length };
}

const code = (text: string) => `\`\`\`${escape(text)}\`\`\``;

function changeText(c: Change, id: string): string {
  const head = `*${escape(c.field)}*: ${escape(c.description)}`;
  const diff = policyDiff(c);
  const body = diff
    ? [
        ...diff.removed.map((s) => `Statement removed:\n${code(readable(s))}`),
        ...diff.added.map((s) => `Statement added:\n${code(readable(s))}`),
        ...(diff.kept ? [`(${diff.kept} other statement${diff.kept === 1 ? '' : 's'} unchanged)`] : []),
      ]
    : [`Before:\n${code(readable(c.before))}`, `After:\n${code(readable(c.after))}`];
  return clip([head, ...body].join('\n'), SECTION_MAX, `(cut here: \`fixbridge approvals show ${id}\` shows all)`);
}

/** `<!date^…>`: each reader sees the time in their own zone. */
function when(iso: string): string {
  return `<!date^${Math.floor(Date.parse(iso) / 1000)}^{date_short_pretty} {time}|${iso}>`;
}

function triggerText(a: Approval): string {
  const t = a.trigger;
  const detail = t.eventName ?? t.controlId ?? t.rollbackOf;
  return `${t.kind}${detail ? ` (${detail})` : ''}`;
}

function facts(a: Approval): KnownBlock {
  const field = (name: string, value: string) => ({ type: 'mrkdwn' as const, text: `*${name}*\n${value}` });
  return {
    type: 'section',
    fields: [
      field('Resource', `\`${escape(a.resourceArn)}\``),
      field('Account / region', `${a.account} / ${a.region}`),
      field('Controls', escape(a.controls.join(', ') || '—')),
      field('Risk', a.risk),
      field('Expires', when(a.expiresAt)),
      field('Approval', `\`${a.id}\` (from ${escape(triggerText(a))})`),
    ],
  };
}

/** The message asking for a decision: the whole plan and the two buttons (value: the approval id). */
export function approvalMessage(a: Approval): SlackMessage {
  const changes = a.plan.changes.slice(0, 40).map((c): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: changeText(c, a.id) } }));
  const omitted = a.plan.changes.length - changes.length;
  return {
    text: `fixbridge: approve ${a.remediation} on ${a.resourceArn}? (${a.id})`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(`Approve ${a.remediation}?`, HEADER_MAX, '') } },
      { type: 'section', text: { type: 'mrkdwn', text: clip(`*${escape(a.title)}*\n${escape(a.plan.reason)}`, SECTION_MAX, '') } },
      facts(a),
      ...changes,
      ...(omitted > 0 ? [{ type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: `${omitted} more changes: \`fixbridge approvals show ${a.id}\`` }] }] : []),
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: 'Approving applies exactly this plan once: fixbridge reads the resource again first, and if it changed, writes nothing and posts the new plan.' }],
      },
      {
        type: 'actions',
        block_id: DECISION_BLOCK,
        elements: [
          {
            type: 'button',
            action_id: APPROVE_ACTION,
            value: a.id,
            style: 'primary',
            text: { type: 'plain_text', text: 'Approve' },
            confirm: {
              title: { type: 'plain_text', text: 'Apply this plan?' },
              text: { type: 'mrkdwn', text: clip(`${escape(a.remediation)} writes to \`${escape(a.resourceArn)}\`.`, 300, '') },
              confirm: { type: 'plain_text', text: 'Approve' },
              deny: { type: 'plain_text', text: 'Cancel' },
            },
          },
          { type: 'button', action_id: REJECT_ACTION, value: a.id, style: 'danger', text: { type: 'plain_text', text: 'Reject' } },
        ],
      },
    ],
  };
}

const LABEL = {
  pending: 'waiting for a decision',
  approved: 'approved, being applied',
  applied: 'applied and verified',
  failed: 'approved, but it failed',
  superseded: 'superseded: nothing was written',
  rejected: 'rejected: nothing was written',
  expired: 'expired: nothing was written',
} as const;

function decider(a: Approval): string | undefined {
  const d = a.decision;
  if (!d) return undefined;
  const who = d.by.channel === 'slack' ? `<@${d.by.id}>` : `\`${escape(d.by.id)}\` from the CLI`;
  return `${d.verdict === 'approve' ? 'Approved' : 'Rejected'} by ${who} ${when(d.at)}`;
}

/** What replaces the request once it is decided, superseded or expired: no buttons. */
export function outcomeMessage(a: Approval, now = new Date()): SlackMessage {
  const status = statusAt(a, now);
  const why = a.outcome?.reason ?? (status === 'expired' ? `nobody decided before ${a.expiresAt}` : undefined);
  const lines = [decider(a), why ? escape(why) : undefined].filter(Boolean).join('\n');
  return {
    text: `fixbridge ${a.remediation} on ${a.resourceArn}: ${LABEL[status]} (${a.id})`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(`${a.remediation}: ${LABEL[status]}`, HEADER_MAX, '') } },
      ...(lines ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: clip(lines, SECTION_MAX, '') } }] : []),
      facts(a),
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: clip(a.plan.changes.map((c) => `${escape(c.field)}: ${escape(c.description)}`).join('\n') || 'no changes', SECTION_MAX, '') }],
      },
    ],
  };
}
