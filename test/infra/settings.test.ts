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
});
