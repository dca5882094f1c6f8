import { applySnsOps, type SnsOp, type SnsTopicState } from '../adapters/sns';
import { defineRequiredTags } from '../tags';

export const snsRequiredTags = defineRequiredTags<SnsTopicState, SnsOp>({
  id: 'sns-required-tags',
  resourceType: 'sns-topic',
  securityHub: 'SNS.3',
  permissions: ['sns:GetTopicAttributes', 'sns:ListTagsForResource', 'sns:TagResource'],
  tagOp: (topic, tags) => ({ kind: 'tag', topicArn: topic.arn, tags }),
  apply: (ctx, ops) => applySnsOps(ctx.clients, ops),
});
