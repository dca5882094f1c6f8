/** Stage settings (stacks/settings.ts): validated, the engine configuration included, before anything is synthesized. */
import { describe, expect, it } from 'vitest';
import { parseStageSettings, workerRoleName } from '../../stacks/settings';

describe('stage settings', () => {
  it('validate a stage, its engine configuration included, in one line', () => {
    expect(() => parseStageSettings('prod', { kind: 'hub', externalId: undefined as never })).toThrow(/stage "prod" settings: externalId: .*/);
    expect(() => parseStageSettings('prod', { kind: 'hub', externalId: 'abc', engine: { remediations: { nope: {} } } })).toThrow(/stage "prod" settings: engine: remediations.nope: unknown remediation/);
    expect(() => parseStageSettings('m', { kind: 'member', hubAccountId: '12', hubRegion: 'us-east-1', hubStage: 'prod', externalId: 'abc' })).toThrow(/hubAccountId: expected a 12-digit/);
    expect(parseStageSettings('dev', { kind: 'hub', externalId: 'abc' })).toMatchObject({ memberRoleName: 'fixbridge-remediation', maxReceiveCount: 5 });
    expect(() => workerRoleName('a'.repeat(50), 'us-east-1')).toThrow(/exceeds IAM's 64 characters/);
  });

  it("validate the sweep's accounts and regions: the hub's region by default", () => {
    const hub = (over: object) => parseStageSettings('prod', { kind: 'hub', externalId: 'abc', ...over });
    expect(hub({})).not.toHaveProperty('sweepRegions');
    expect(hub({ sweepRegions: ['us-east-1', 'eu-west-1'] })).toMatchObject({ sweepRegions: ['us-east-1', 'eu-west-1'] });
    expect(() => hub({ sweepRegions: [] })).toThrow(/stage "prod" settings: sweepRegions: name at least one region/);
    expect(() => hub({ sweepRegions: ['us-east-1', 'mars-1'] })).toThrow(/sweepRegions.1: expected an AWS region/);
    expect(() => hub({ sweepRegions: ['eu-west-1', 'eu-west-1'] })).toThrow(/sweepRegions: lists a region twice/);
    expect(() => hub({ memberAccountIds: ['444455556666', '444455556666'] })).toThrow(/memberAccountIds: lists an account twice/);
    const many = Array.from({ length: 201 }, (_, n) => String(100000000000 + n));
    expect(() => hub({ memberAccountIds: many })).toThrow(/memberAccountIds: at most 200 member accounts/);
  });
});
