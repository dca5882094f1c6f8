/**
 * The approval record: a plan filed in approval mode for a person to approve or reject. It holds
 * the exact plan (changes with before/after, and the kind's ops), the hash that identifies it, the
 * settings it was planned with, who may decide, when it expires, and later the decision and its
 * outcome. Both stores (the CLI's directory, the hub's table) keep this same JSON.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { InputError } from '../errors';
import { ChangeSchema, ResultSchema } from '../results';
import { TriggerSchema } from '../routing';

/** `ap-` and 10 base32 letters (lower case, no 0/1/8/9): short, copyable, 50 random bits. */
export const APPROVAL_ID_RE = /^ap-[a-z2-7]{10}$/;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export function newApprovalId(): string {
  return `ap-${[...randomBytes(10)].map((b) => BASE32[b & 31]).join('')}`;
}

/** A malformed id is bad input (exit 2), like an unknown one. */
export function checkApprovalId(id: string): string {
  if (!APPROVAL_ID_RE.test(id)) throw new InputError(`malformed approval id "${id}": expected "ap-" and 10 letters or digits 2-7 (see "fixbridge approvals list")`);
  return id;
}

/** Who decided, and through which channel. */
export const DeciderSchema = z
  .object({
    channel: z.enum(['cli', 'slack']),
    /** A Slack user id (`U…`), or the CLI's caller (`user@host`). */
    id: z.string().min(1),
    /** A display name, when the channel gave one. */
    name: z.string().optional(),
  })
  .strict();
export type Decider = z.infer<typeof DeciderSchema>;

/**
 * `pending` until someone decides; `approved` while an approved plan is being applied; then
 * `applied`, `failed` or `superseded` (the resource changed since the plan, or a newer plan
 * replaced it: nothing was written); `rejected`. A pending approval past its expiry is shown as
 * `expired` (see `statusAt`); nothing is written for that.
 */
export const APPROVAL_STATUSES = ['pending', 'approved', 'applied', 'failed', 'superseded', 'rejected'] as const;
export const ApprovalStatusSchema = z.enum(APPROVAL_STATUSES);
export type ApprovalStatus = z.infer<typeof ApprovalStatusSchema>;
export type ShownStatus = ApprovalStatus | 'expired';

const time = z.iso.datetime();

export const DecisionSchema = z
  .object({
    by: DeciderSchema,
    at: time,
    verdict: z.enum(['approve', 'reject']),
    /** A rejection's reason. */
    reason: z.string().optional(),
    /** The decision's own id (the hub: the work queue message), so a redelivery of it resumes instead of being refused. */
    token: z.string().optional(),
  })
  .strict();
export type Decision = z.infer<typeof DecisionSchema>;

export const OutcomeSchema = z
  .object({
    at: time,
    /** One line: what happened, e.g. "applied and verified: …", "the resource changed since …". */
    reason: z.string(),
    /** The engine's result of the approved run. */
    result: ResultSchema.optional(),
    /** The approval filed instead (a newer plan of the same resource and remediation). */
    supersededBy: z.string().optional(),
  })
  .strict();
export type Outcome = z.infer<typeof OutcomeSchema>;

export const PlanSchema = z
  .object({
    reason: z.string(),
    changes: z.array(ChangeSchema),
    /** The resource kind's operations, exactly as the engine writes them. */
    ops: z.array(z.unknown()),
  })
  .strict();
export type ApprovalPlan = z.infer<typeof PlanSchema>;

export const ApprovalSchema = z
  .object({
    id: z.string().regex(APPROVAL_ID_RE),
    remediation: z.string().min(1),
    title: z.string(),
    controls: z.array(z.string()),
    risk: z.string(),
    resourceArn: z.string().min(1),
    /** The kind's locator (an SQS queue URL) when the trigger gave it. */
    hint: z.string().optional(),
    account: z.string(),
    region: z.string(),
    plan: PlanSchema,
    /** `planHash(plan)`: an approved plan is applied only while re-planning gives this hash again. */
    planHash: z.string().regex(/^[0-9a-f]{64}$/),
    /** The remediation's options and the engine settings the plan was made with; the approved run re-plans with these. */
    settings: z
      .object({ options: z.unknown(), exemptTagKey: z.string(), organizationId: z.string().optional() })
      .strict(),
    trigger: TriggerSchema,
    /** Slack user ids allowed to decide in Slack (the config's `slack.approvers` when it was filed). */
    approvers: z.array(z.string()),
    createdAt: time,
    expiresAt: time,
    status: ApprovalStatusSchema,
    /** The Slack message it was posted as. */
    slack: z.object({ channel: z.string(), ts: z.string() }).strict().optional(),
    decision: DecisionSchema.optional(),
    outcome: OutcomeSchema.optional(),
  })
  .strict();
export type Approval = z.infer<typeof ApprovalSchema>;

export function parseApproval(raw: unknown, where: string): Approval {
  const parsed = ApprovalSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`approval in ${where} is malformed: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`, { cause: parsed.error });
  return parsed.data;
}

export function isExpired(a: Approval, now: Date): boolean {
  return a.status === 'pending' && Date.parse(a.expiresAt) <= now.getTime();
}

/** The status to show: a pending approval past its expiry is `expired`. */
export function statusAt(a: Approval, now: Date): ShownStatus {
  return isExpired(a, now) ? 'expired' : a.status;
}

/** One pending approval per (resource, remediation): the key of that slot. */
export function pendingKey(resourceKey: string, remediation: string): string {
  return createHash('sha256').update(`${remediation}\n${resourceKey}`).digest('hex').slice(0, 40);
}

/** One line about an approval that can no longer be decided, or undefined while it can. */
export function closedReason(a: Approval, now: Date): string | undefined {
  if (isExpired(a, now)) return `approval ${a.id} expired at ${a.expiresAt}; nothing was written (run the remediation again to file a fresh plan)`;
  if (a.status === 'pending') return undefined;
  const d = a.decision;
  const by = d ? ` by ${d.by.name ?? d.by.id} (${d.by.channel}) at ${d.at}` : '';
  switch (a.status) {
    case 'approved':
      return `approval ${a.id} was approved${by} and is being applied`;
    case 'applied':
      return `approval ${a.id} was already approved${by}: applied and verified`;
    case 'failed':
      return `approval ${a.id} was already approved${by}: ${a.outcome?.reason ?? 'it failed'}`;
    case 'rejected':
      return `approval ${a.id} was rejected${by}${d?.reason ? `: ${d.reason}` : ''}`;
    case 'superseded':
      return `approval ${a.id} was superseded: ${a.outcome?.reason ?? 'the resource changed since the plan was made'}`;
  }
}
