/** mq-required-tags (MQ.4): its plan and control, and end to end against the emulator. */
import type { MqBrokerState } from '@fixbridge/core';
import { mqRequiredTags } from '../../../packages/core/src/remediations/mq-required-tags';
import { offline, onEmulator } from '../../support/projects';
import { plansTagging, requiredTagsCases, requiredTagsOptions } from '../../support/required-tags';
import { createBroker, describeBroker } from '../../support/sns-mq';
import { SETTINGS as settings } from '../../support/states';

offline('required-tags remediations', () => {
  const config = requiredTagsOptions();
  const brokerState = { kind: 'mq-broker', arn: 'arn:aws:mq:us-east-1:123456789012:broker:b:b-1234', id: 'b-1234', tags: {} } as unknown as MqBrokerState;

  plansTagging(mqRequiredTags, () => mqRequiredTags.evaluate({ resource: brokerState, tags: brokerState.tags }, config, settings), { kind: 'tag', arn: brokerState.arn, tags: config.tags }, 'MQ.4');
});

onEmulator('mq-required-tags', () => {
  requiredTagsCases('mq-required-tags', async () => {
    const b = await createBroker('tags', { Tags: { team: 'payments' } });
    return { arn: b.arn, tags: async () => (await describeBroker(b.id)).Tags ?? {} };
  });
});
