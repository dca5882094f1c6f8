import { applyMqOps, type MqBrokerState, type MqOp } from '../adapters/mq';
import { defineRequiredTags } from '../tags';

export const mqRequiredTags = defineRequiredTags<MqBrokerState, MqOp>({
  id: 'mq-required-tags',
  resourceType: 'mq-broker',
  securityHub: 'MQ.4',
  permissions: ['mq:DescribeBroker', 'mq:CreateTags'],
  tagOp: (broker, tags) => ({ kind: 'tag', arn: broker.arn, tags }),
  apply: (ctx, ops) => applyMqOps(ctx.clients, ops),
});
