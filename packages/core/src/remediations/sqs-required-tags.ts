import { applySqsOps, type SqsOp, type SqsQueueState } from '../adapters/sqs';
import { defineRequiredTags } from '../tags';

export const sqsRequiredTags = defineRequiredTags<SqsQueueState, SqsOp>({
  id: 'sqs-required-tags',
  resourceType: 'sqs-queue',
  securityHub: 'SQS.2',
  permissions: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:ListQueueTags', 'sqs:TagQueue'],
  tagOp: (queue, tags) => ({ kind: 'tag', url: queue.url, tags }),
  apply: (ctx, ops) => applySqsOps(ctx.clients, ops),
});
