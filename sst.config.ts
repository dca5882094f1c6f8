/**
 * fixbridge on AWS (SST v2). A stage is either a hub (the engine) or a member (a role and event
 * forwarding in another account); README "Deploy" lists every setting.
 *   npx sst deploy --stage prod                  the hub, with the hub account's credentials
 *   npx sst deploy --stage prod-member           in each member account, with its credentials
 */
import type { SSTConfig } from 'sst';
import { hubStack } from './stacks/Hub';
import { memberStack } from './stacks/Member';
import { parseStageSettings, type StageSettingsInput } from './stacks/settings';

export const APP = { name: 'fixbridge', region: 'us-east-1' } as const;

const env = process.env;

/** Per-stage settings. Account ids and the external id come from the environment of the deploy. */
export const STAGES: Record<string, StageSettingsInput> = {
  dev: { kind: 'hub', engine: { mode: 'dry-run' }, externalId: env.FIXBRIDGE_EXTERNAL_ID ?? 'fixbridge-dev' },
  'dev-member': {
    kind: 'member',
    hubAccountId: env.FIXBRIDGE_HUB_ACCOUNT_ID ?? '123456789012',
    hubRegion: env.FIXBRIDGE_HUB_REGION ?? APP.region,
    hubStage: 'dev',
    externalId: env.FIXBRIDGE_EXTERNAL_ID ?? 'fixbridge-dev',
  },
  prod: {
    kind: 'hub',
    engine: { mode: 'approval' },
    externalId: env.FIXBRIDGE_EXTERNAL_ID as string,
    memberAccountIds: env.FIXBRIDGE_MEMBER_ACCOUNT_IDS?.split(',').filter(Boolean) ?? [],
    ...(env.FIXBRIDGE_SWEEP_REGIONS ? { sweepRegions: env.FIXBRIDGE_SWEEP_REGIONS.split(',').filter(Boolean) } : {}),
    notificationEmails: env.FIXBRIDGE_NOTIFY_EMAILS?.split(',').filter(Boolean) ?? [],
  },
  'prod-member': {
    kind: 'member',
    hubAccountId: env.FIXBRIDGE_HUB_ACCOUNT_ID as string,
    hubRegion: env.FIXBRIDGE_HUB_REGION ?? APP.region,
    hubStage: 'prod',
    externalId: env.FIXBRIDGE_EXTERNAL_ID as string,
  },
};

/** A stage not listed (a personal stage) is a dry-run hub. */
export function settingsFor(stage: string) {
  return parseStageSettings(stage, STAGES[stage] ?? { kind: 'hub', externalId: env.FIXBRIDGE_EXTERNAL_ID ?? `fixbridge-${stage}` });
}

export default {
  config: () => ({ name: APP.name, region: APP.region }),
  stacks(app) {
    const settings = settingsFor(app.stage);
    if (settings.kind === 'hub') app.stack(hubStack(settings));
    else app.stack(memberStack(settings));
  },
} satisfies SSTConfig;
