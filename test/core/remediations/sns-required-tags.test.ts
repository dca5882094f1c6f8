/** sns-required-tags (SNS.3): its plan and control, and end to end against the emulator, from a finding too. */
import { expect, it } from 'vitest';
import { RequiredTagsOptionsSchema, type SnsTopicState } from '@fixbridge/core';
import { snsRequiredTags } from '../../../packages/core/src/remediations/sns-required-tags';
import { cliRecorded, tempFile } from '../../support/aws';
import { offline, onEmulator } from '../../support/projects';
import { REQUIRED, requiredTagsCases, requiredTagsConfig } from '../../support/required-tags';
import { createTopic, findingEvent, topicTags } from '../../support/sns-mq';
import { SETTINGS as settings } from '../../support/states';

offline('required-tags remediations', () => {
  const config = RequiredTagsOptionsSchema.parse({ tags: { team: 'unassigned', 'cost-center': '0000' } });
  const topic = { kind: 'sns-topic', arn: 'arn:aws:sns:us-east-1:123456789012:t', tags: {} } as unknown as SnsTopicState;

  it.each<[string, () => unknown, unknown, string]>([
    ['sns-required-tags', () => snsRequiredTags.evaluate({ resource: topic, tags: {} }, config, settings), { kind: 'tag', topicArn: topic.arn, tags: config.tags }, 'SNS.3'],
  ])('%s plans its service’s tagging call and maps to its control', (id, evaluate, expectedOp, control) => {
    expect(evaluate()).toMatchObject({ kind: 'plan', ops: [expectedOp] });
    const r = [snsRequiredTags].find((x) => x.id === id)!;
    expect(r.controls).toEqual({ securityHub: [control], qualys: [], seeds: ['000 COST-06'] });
    expect(r.risk).toBe('low');
  });
});

onEmulator('sns-required-tags', () => {
  const config = requiredTagsConfig;

  requiredTagsCases('sns-required-tags', async () => {
    const t = await createTopic('tags', { tags: { team: 'payments' } });
    return { arn: t.arn, tags: () => topicTags(t.arn) };
  });

  it('routes the Security Hub SNS.3 finding to sns-required-tags', async () => {
    const t = await createTopic('tags-finding');
    const run = await cliRecorded(['handle', '--event', tempFile('event.json', findingEvent(t.arn, 'SNS.3')), '--config', config('sns-required-tags'), '--mode', 'auto']);
    expect(run.results).toEqual([expect.objectContaining({ remediation: 'sns-required-tags', status: 'applied', controls: ['SecurityHub:SNS.3'] })]);
    expect(await topicTags(t.arn)).toEqual(REQUIRED);
  });
});
