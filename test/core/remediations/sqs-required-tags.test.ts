/** sqs-required-tags (SQS.2): its plan and control, and end to end against the emulator. */
import { ListQueueTagsCommand } from '@aws-sdk/client-sqs';
import type { SqsQueueState } from '@fixbridge/core';
import { sqsRequiredTags } from '../../../packages/core/src/remediations/sqs-required-tags';
import { createQueue, seedClients, uniqueName } from '../../support/aws';
import { offline, onEmulator } from '../../support/projects';
import { plansTagging, requiredTagsCases, requiredTagsOptions } from '../../support/required-tags';
import { SETTINGS as settings } from '../../support/states';

offline('required-tags remediations', () => {
  const config = requiredTagsOptions();
  const queue = { kind: 'sqs-queue', arn: 'arn:aws:sqs:us-east-1:123456789012:q', url: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', tags: { team: 'a' } } as unknown as SqsQueueState;

  plansTagging(sqsRequiredTags, () => sqsRequiredTags.evaluate({ resource: queue, tags: { team: 'a' } }, config, settings), { kind: 'tag', url: queue.url, tags: { 'cost-center': '0000' } }, 'SQS.2');
});

onEmulator('sqs-required-tags', () => {
  requiredTagsCases('sqs-required-tags', async () => {
    const q = await createQueue(uniqueName('tags'), {}, { team: 'payments' });
    return { arn: q.arn, tags: async () => (await seedClients().sqs.send(new ListQueueTagsCommand({ QueueUrl: q.url }))).Tags ?? {} };
  });
});
