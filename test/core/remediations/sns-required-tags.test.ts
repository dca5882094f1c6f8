/** sns-required-tags (SNS.3): its plan and control, and end to end against the emulator, from a finding too. */
import { expect, it } from 'vitest';
import type { SnsTopicState } from '@fixbridge/core';
import { snsRequiredTags } from '../../../packages/core/src/remediations/sns-required-tags';
import { cliRecorded, tempFile } from '../../support/aws';
import { offline, onEmulator } from '../../support/projects';
import { plansTagging, REQUIRED, requiredTagsCases, requiredTagsConfig, requiredTagsOptions } from '../../support/required-tags';
import { createTopic, findingEvent, topicTags } from '../../support/sns-mq';
import { SETTINGS as settings } from '../../support/states';

offline('required-tags remediations', () => {
  const config = requiredTagsOptions();
  const topic = { kind: 'sns-topic', arn: 'arn:aws:sns:us-east-1:123456789012:t', tags: {} } as unknown as SnsTopicState;

  plansTagging(snsRequiredTags, () => snsRequiredTags.evaluate({ resource: topic, tags: {} }, config, settings), { kind: 'tag', topicArn: topic.arn, tags: config.tags }, 'SNS.3');
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
