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

export const ResultSchema = z.object({
  /** Remediation id, or null when no remediation handles the trigger (reason says why). */
  remediation: z.string().nullable(),
  controls: z.array(z.string()),
  resourceArn: z.string().nullable(),
  mode: ModeSchema,
  status: StatusSchema,
  changes: z.array(ChangeSchema),
  reason: z.string(),
});
export type Result = z.infer<typeof ResultSchema>;

export const ReportSchema = z.object({ results: z.array(ResultSchema) });
export type Report = z.infer<typeof ReportSchema>;

export function hasFailure(results: Result[]): boolean {
  return results.some((r) => r.status === 'failed');
}
