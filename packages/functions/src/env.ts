/**
 * What the stack tells each function through its environment. The stack and the functions share
 * these names; a missing or malformed value stops the function at cold start with a clear error.
 */
import { z } from 'zod';
import { firstIssue, InputError, REGION_RE } from '@fixbridge/core';
import { DEFAULT_HISTORY_RETENTION_DAYS, DEFAULT_LOCK_SECONDS } from '@fixbridge/core/hub';

export const ENV = {
  configParameter: 'FIXBRIDGE_CONFIG_PARAMETER',
  workQueueUrl: 'FIXBRIDGE_WORK_QUEUE_URL',
  historyTable: 'FIXBRIDGE_HISTORY_TABLE',
  historyRetentionDays: 'FIXBRIDGE_HISTORY_RETENTION_DAYS',
  lockSeconds: 'FIXBRIDGE_LOCK_SECONDS',
  topicArn: 'FIXBRIDGE_TOPIC_ARN',
  eventBus: 'FIXBRIDGE_EVENT_BUS',
  hubAccountId: 'FIXBRIDGE_HUB_ACCOUNT_ID',
  memberRoleName: 'FIXBRIDGE_MEMBER_ROLE_NAME',
  externalId: 'FIXBRIDGE_EXTERNAL_ID',
  sweepAccounts: 'FIXBRIDGE_SWEEP_ACCOUNTS',
  sweepRegions: 'FIXBRIDGE_SWEEP_REGIONS',
} as const;

const text = z.string().min(1, 'must be set');
const positiveInt = z.coerce.number().int().positive();

/** A comma-separated list, each item matching `re`, at least one. */
const list = (re: RegExp, what: string) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(re, `expected comma-separated ${what}`)).min(1, `must name at least one ${what.replace(/s$/, '')}`));

export const RouterEnvSchema = z.object({
  [ENV.configParameter]: text,
  [ENV.workQueueUrl]: z.url(),
  /** The accounts the daily sweep lists (the hub's and the members'), and the regions, in each. */
  [ENV.sweepAccounts]: list(/^\d{12}$/, '12-digit account ids'),
  [ENV.sweepRegions]: list(REGION_RE, 'AWS regions'),
});

/** The Slack interaction function: the approvals (in the history table) and the work queue its decisions go to. */
export const SlackEnvSchema = z.object({ [ENV.historyTable]: text, [ENV.workQueueUrl]: z.url() });

export const EngineEnvSchema = z.object({
  [ENV.configParameter]: text,
  /** The worker queues a sweep listing's resources here. */
  [ENV.workQueueUrl]: z.url(),
  [ENV.historyTable]: text,
  [ENV.historyRetentionDays]: positiveInt.default(DEFAULT_HISTORY_RETENTION_DAYS),
  [ENV.lockSeconds]: positiveInt.default(DEFAULT_LOCK_SECONDS),
  [ENV.topicArn]: text,
  [ENV.eventBus]: text.default('default'),
  [ENV.hubAccountId]: z.string().regex(/^\d{12}$/, 'must be a 12-digit account id'),
  [ENV.memberRoleName]: text,
  [ENV.externalId]: text,
});

export function readEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new InputError(`environment: ${firstIssue(parsed.error)}`);
  return parsed.data;
}
