import { z } from 'zod';
import { snsTopic, topicPolicyOp } from '../resources/sns-topic';
import { publicStatementIndexes, scopePublicStatements } from '../public-access';
import { defineRemediation } from './types';

export const SnsBlockPublicAccessOptionsSchema = z.object({}).strict();
export type SnsBlockPublicAccessOptions = z.infer<typeof SnsBlockPublicAccessOptionsSchema>;

export const snsBlockPublicAccess = defineRemediation({
  id: 'sns-block-public-access',
  title: 'Scope SNS topic policy statements that let everyone act on the topic (publish, subscribe, read or change it)',
  kind: snsTopic,
  controls: { securityHub: ['SNS.4'], qualys: ['182', '183', '383'], seeds: [] },
  risk: 'high',
  permissions: ['sns:SetTopicAttributes'],
  optionsSchema: SnsBlockPublicAccessOptionsSchema,

  async read(ctx) {
    return { topic: await ctx.resource() };
  },

  evaluate({ topic }, _options, settings) {
    // The default topic policy (AWS: * with AWS:SourceOwner) is scoped, hence not public. Every
    // action counts: everyone allowed SetTopicAttributes, AddPermission or DeleteTopic can take the
    // topic over or delete it, and GetTopicAttributes / ListSubscriptionsByTopic read it.
    const indexes = publicStatementIndexes(topic.policy, topic.arn);
    if (indexes.length === 0) return { kind: 'compliant', reason: 'no statement lets everyone act on the topic' };
    const owner = { accountId: topic.accountId, partition: topic.arn.split(':')[1] ?? 'aws', organizationId: settings.organizationId };
    const scoped = scopePublicStatements(topic.policy!, indexes, owner);
    if ('blocked' in scoped) return { kind: 'blocked', reason: `${indexes.length} statement(s) let everyone act on the topic, but ${scoped.blocked}` };
    const { after, changes } = scoped;
    return {
      kind: 'plan',
      reason: `${indexes.length} statement(s) let everyone act on the topic, with no condition scoping the callers`,
      changes,
      ops: [topicPolicyOp(topic, after)],
    };
  },
});
