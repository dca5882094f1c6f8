/** sqs-required-tags (SQS.2): its plan and control, and end to end against the emulator. */
import { ListQueueTagsCommand } from '@aws-sdk/client-sqs';
import { expect, it } from 'vitest';
import { RequiredTagsOptionsSchema, type SqsQueueState } from '@fixbridge/core';
import { sqsRequiredTags } from '../../../packages/core/src/remediations/sqs-required-tags';
import { createQueue, seedClients, uniqueName } from '../../support/aws';
import { offline, onEmulator } from '../../support/projects';
import { requiredTagsCases } from '../../support/required-tags';
import { SETTINGS as settings } from '../../support/states';

offline('required-tags remediations', () => {
  const config = RequiredTagsOptionsSchema.parse({ tags: { team: 'unassigned', 'cost-center': '0000' } });
  const queue = { kind: 'sqs-queue', arn: 'arn:aws:sqs:us-east-1:123456789012:q', url: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', tags: { team: 'a' } } as unknown as SqsQueueState;

  it.each<[string, () => unknown, unknown, string]>([
    ['sqs-required-tags', () => sqsRequiredTags.evaluate({ resource: queue, tags: { team: 'a' } }, config, settings), { kind: 'tag', url: queue.url, tags: { 'cost-center': '0000' } }, 'SQS.2'],
  ])('%s plans its service’s tagging call and maps to its control', (id, evaluate, expectedOp, control) => {
    expect(evaluate()).toMatchObject({ kind: 'plan', ops: [expectedOp] });
    const r = [sqsRequiredTags].find((x) => x.id === id)!;
    expect(r.controls).toEqual({ securityHub: [control], qualys: [], seeds: ['000 COST-06'] });
    expect(r.risk).toBe('low');
  });
});

onEmulator('sqs-required-tags', () => {
  requiredTagsCases('sqs-required-tags', async () => {
    const q = await createQueue(uniqueName('tags'), {}, { team: 'payments' });
    return { arn: q.arn, tags: async () => (await seedClients().sqs.send(new ListQueueTagsCommand({ QueueUrl: q.url }))).Tags ?? {} };
  });
});
