import { z } from 'zod';
import { applySnsOps, topicPolicyOp, type SnsOp, type SnsTopicState } from '../adapters/sns';
import { coversAction, type Statement } from '../policy';
import { publicStatementIndexes, scopePublicStatements } from '../public-access';
import { defineRemediation } from './types';

export const SnsBlockPublicAccessConfigSchema = z.object({}).strict();
export type SnsBlockPublicAccessConfig = z.infer<typeof SnsBlockPublicAccessConfigSchema>;

/** What makes a topic statement "public" when everyone may do it (Qualys 182, 183, 383). */
const SHARING_ACTIONS = ['sns:Publish', 'sns:Subscribe', 'sns:Receive'];
export const letsShare = (s: Statement): boolean => SHARING_ACTIONS.some((a) => coversAction(s, a));

export const snsBlockPublicAccess = defineRemediation<{ topic: SnsTopicState }, SnsBlockPublicAccessConfig, SnsOp>({
  id: 'sns-block-public-access',
  title: 'Scope SNS topic policy statements that let everyone publish, subscribe or receive',
  resourceType: 'sns-topic',
  controls: { securityHub: ['SNS.4'], qualys: ['182', '183', '383'], seeds: [] },
  risk: 'high',
  permissions: ['sns:GetTopicAttributes', 'sns:ListTagsForResource', 'sns:SetTopicAttributes'],
  configSchema: SnsBlockPublicAccessConfigSchema,

  async read(ctx) {
    return { topic: (await ctx.resource()) as SnsTopicState };
  },

  evaluate({ topic }, _config, settings) {
    // The default topic policy (AWS: * with AWS:SourceOwner) is scoped, hence not public.
    const indexes = publicStatementIndexes(topic.policy, letsShare);
    if (indexes.length === 0) return { kind: 'compliant', reason: 'no statement lets everyone publish, subscribe or receive' };
    const owner = { accountId: topic.accountId, partition: topic.arn.split(':')[1] ?? 'aws', organizationId: settings.organizationId };
    const { after, changes } = scopePublicStatements(topic.policy!, indexes, owner);
    return {
      kind: 'plan',
      reason: `${indexes.length} statement(s) let everyone publish, subscribe or receive, with no condition scoping the callers`,
      changes,
      ops: [topicPolicyOp(topic, after)],
    };
  },

  apply: (ctx, ops) => applySnsOps(ctx.clients, ops),
});
