import { TagQueueCommand } from '@aws-sdk/client-sqs';
import type { SqsQueueState } from '../adapters/sqs';
import { defineRequiredTags } from '../tags';

export const sqsRequiredTags = defineRequiredTags<SqsQueueState, { url: string; tags: Record<string, string> }>({
  id: 'sqs-required-tags',
  resourceType: 'sqs-queue',
  securityHub: 'SQS.2',
  permissions: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:ListQueueTags', 'sqs:TagQueue'],
  tagOp: (queue, tags) => ({ url: queue.url, tags }),
  async apply(ctx, ops) {
    for (const op of ops) await ctx.clients.sqs.send(new TagQueueCommand({ QueueUrl: op.url, Tags: op.tags }));
  },
});
