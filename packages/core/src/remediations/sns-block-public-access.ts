import { z } from 'zod';
import { snsTopic, topicPolicyOp } from '../resources/sns-topic';
import { coversAction, type Statement } from '../policy';
import { publicStatementIndexes, scopePublicStatements } from '../public-access';
import { defineRemediation } from './types';

export const SnsBlockPublicAccessOptionsSchema = z.object({}).strict();
export type SnsBlockPublicAccessOptions = z.infer<typeof SnsBlockPublicAccessOptionsSchema>;

/** What makes a topic statement "public" when everyone may do it (Qualys 182, 183, 383). */
const SHARING_ACTIONS = ['sns:Publish', 'sns:Subscribe', 'sns:Receive'];
export const letsShare = (s: Statement): boolean => SHARING_ACTIONS.some((a) => coversAction(s, a));

export const snsBlockPublicAccess = defineRemediation({
  id: 'sns-block-public-access',
  title: 'Scope SNS topic policy statements that let everyone publish, subscribe or receive',
  kind: snsTopic,
  controls: { securityHub: ['SNS.4'], qualys: ['182', '183', '383'], seeds: [] },
  risk: 'high',
  permissions: ['sns:SetTopicAttributes'],
  optionsSchema: SnsBlockPublicAccessOptionsSchema,

  async read(ctx) {
    return { topic: await ctx.resource() };
  },

  evaluate({ topic }, _options, settings) {
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
});
