import { z } from 'zod';

export const MODES = ['dry-run', 'approval', 'auto'] as const;
export const ModeSchema = z.enum(MODES);
export type Mode = z.infer<typeof ModeSchema>;

export const STATUSES = [
  'compliant',
  'planned',
  'awaiting-approval',
  'applied',
  'blocked',
  'not-remediable',
  'skipped',
  'failed',
] as const;
export const StatusSchema = z.enum(STATUSES);
export type Status = z.infer<typeof StatusSchema>;

/** One setting a remediation changes (or would change), with its value before and after. */
export const ChangeSchema = z.object({
  /** What changes, e.g. `KmsMasterKeyId`, `Policy`, `Policy.Statement[2]`, `RedrivePolicy`, `Queue`. */
  field: z.string(),
  /** Human-readable one-liner. */
  description: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});
export type Change = z.infer<typeof ChangeSchema>;

const ResultBase = z.object({
  /** Remediation id, or null when no remediation handles the trigger (reason says why). */
  remediation: z.string().nullable(),
  controls: z.array(z.string()),
  resourceArn: z.string().nullable(),
  mode: ModeSchema,
  changes: z.array(ChangeSchema),
  reason: z.string(),
});

/**
 * Set (only ever to `true`) when the resource is compliant as configured but the setting takes
 * effect at the next reboot (Amazon MQ logs): Security Hub keeps reporting it failing until then.
 */
const pendingReboot = z.literal(true).optional();

/** What happened to one remediation of one resource: a union on `status`. */
export const ResultSchema = z.discriminatedUnion('status', [
  ResultBase.extend({ status: z.literal('compliant'), pendingReboot }),
  ResultBase.extend({ status: z.literal('planned') }),
  // The approval the plan was filed as (when an approval store is configured: `fixbridge approve <id>`).
  ResultBase.extend({ status: z.literal('awaiting-approval'), approvalId: z.string().optional() }),
  ResultBase.extend({ status: z.literal('applied'), pendingReboot }),
  ResultBase.extend({ status: z.literal('blocked') }),
  ResultBase.extend({ status: z.literal('not-remediable') }),
  ResultBase.extend({ status: z.literal('skipped') }),
  ResultBase.extend({ status: z.literal('failed') }),
]);
export type Result = z.infer<typeof ResultSchema>;
export type ResultOf<S extends Status> = Extract<Result, { status: S }>;

/** The document `--json` prints: `{"results": [...]}`. */
export const ResultsDocumentSchema = z.object({ results: z.array(ResultSchema) });
export type ResultsDocument = z.infer<typeof ResultsDocumentSchema>;

/** The fields every result has, whatever its status. */
export type ResultFields = z.infer<typeof ResultBase>;

/** Build a result of any status (the union, without a cast at every call site). */
export function makeResult(fields: ResultFields, status: Status, extra: { pendingReboot?: true | undefined; approvalId?: string | undefined } = {}): Result {
  const { remediation, controls, resourceArn, mode, changes, reason } = fields;
  const withExtra = extra.pendingReboot && (status === 'applied' || status === 'compliant') ? { pendingReboot: true as const } : {};
  const withApproval = extra.approvalId && status === 'awaiting-approval' ? { approvalId: extra.approvalId } : {};
  return { remediation, controls, resourceArn, mode, status, changes, reason, ...withExtra, ...withApproval } as Result;
}

export function hasFailure(results: Result[]): boolean {
  return results.some((r) => r.status === 'failed');
}
