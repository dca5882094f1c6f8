/**
 * Stage settings: what each stage (`sst deploy --stage <stage>`) deploys. A hub stage runs the
 * engine; a member stage gives the hub's worker a role in another account and forwards that
 * account's events to the hub. Validated at synth time, so a bad setting never reaches AWS.
 */
import { z } from 'zod';
import { firstIssue, parseConfig, REGION_RE, type EngineConfigInput } from '@fixbridge/core';
import { DEFAULT_HISTORY_RETENTION_DAYS, DEFAULT_MEMBER_ROLE_NAME } from '@fixbridge/core/hub';

const account = z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id');
const externalId = z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, 'expected 2 to 1224 letters, digits or +=,.@:/- (set FIXBRIDGE_EXTERNAL_ID)');
const region = z.string().regex(REGION_RE, 'expected an AWS region');
const unique = <T>(xs: T[]) => new Set(xs).size === xs.length;
/**
 * The router passes the sweep's accounts to the workers in its environment (Lambda's 4 KB for all
 * variables), and the default bus policy names every member: both stay well inside their limits.
 */
export const MAX_MEMBER_ACCOUNTS = 200;
const roleName = z.string().regex(/^[\w+=,.@-]{1,64}$/, 'expected an IAM role name').default(DEFAULT_MEMBER_ROLE_NAME);

export const HubSettingsSchema = z
  .object({
    kind: z.literal('hub'),
    /** The engine configuration: the same JSON as the CLI's --config; stored in SSM Parameter Store. */
    engine: z.custom<EngineConfigInput>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'expected a config object').default({}),
    /** The external id the worker presents to member roles. */
    externalId,
    memberRoleName: roleName,
    /** Accounts allowed to forward events to this hub's default bus, and swept daily (with the hub's). */
    memberAccountIds: z
      .array(account)
      .max(MAX_MEMBER_ACCOUNTS, `at most ${MAX_MEMBER_ACCOUNTS} member accounts`)
      .refine(unique, 'lists an account twice')
      .default([]),
    /** Regions the daily sweep lists in every account (default: the hub's region). */
    sweepRegions: z.array(region).min(1, 'name at least one region').refine(unique, 'lists a region twice').optional(),
    /** Email addresses subscribed to the notification topic. */
    notificationEmails: z.array(z.email()).default([]),
    /** When the daily sweep re-checks every resource of the sweep's accounts and regions (EventBridge schedule expression). */
    schedule: z.string().regex(/^(cron|rate)\(.+\)$/, 'expected cron(...) or rate(...)').default('cron(0 5 * * ? *)'),
    /** Deliveries of one work item before it goes to the dead-letter queue. */
    maxReceiveCount: z.number().int().min(1).max(1000).default(5),
    historyRetentionDays: z.number().int().min(1).default(DEFAULT_HISTORY_RETENTION_DAYS),
  })
  .strict();

export const MemberSettingsSchema = z
  .object({
    kind: z.literal('member'),
    hubAccountId: account,
    hubRegion: region,
    /** The hub's stage name (it names the hub's worker role). */
    hubStage: z.string().min(1),
    externalId,
    memberRoleName: roleName,
  })
  .strict();

export const StageSettingsSchema = z.discriminatedUnion('kind', [HubSettingsSchema, MemberSettingsSchema]);
export type StageSettingsInput = z.input<typeof StageSettingsSchema>;
export type HubSettings = z.infer<typeof HubSettingsSchema>;
export type MemberSettings = z.infer<typeof MemberSettingsSchema>;

/** Validate a stage's settings, its engine configuration included; throws a one-line error. */
export function parseStageSettings(stage: string, raw: StageSettingsInput): HubSettings | MemberSettings {
  const parsed = StageSettingsSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`stage "${stage}" settings: ${firstIssue(parsed.error)}`);
  if (parsed.data.kind === 'hub') parseConfig(parsed.data.engine, `stage "${stage}" settings: engine`);
  return parsed.data;
}

/** The hub worker's role name: fixed, so member roles can trust it by ARN. */
export function workerRoleName(stage: string, region: string): string {
  const name = `fixbridge-${stage}-${region}-worker`;
  if (name.length > 64) throw new Error(`stage name "${stage}" is too long: the worker role name ${name} exceeds IAM's 64 characters`);
  return name;
}
