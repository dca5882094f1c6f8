import { z } from 'zod';
import { applySqsOps, queuePolicyOp, type SqsOp, type SqsQueueState } from '../adapters/sqs';
import { publicStatementIndexes, scopePublicStatements } from '../public-access';
import { defineRemediation } from './types';

export const SqsBlockPublicAccessConfigSchema = z.object({}).strict();
export type SqsBlockPublicAccessConfig = z.infer<typeof SqsBlockPublicAccessConfigSchema>;

export const sqsBlockPublicAccess = defineRemediation<{ queue: SqsQueueState }, SqsBlockPublicAccessConfig, SqsOp>({
  id: 'sqs-block-public-access',
  title: 'Scope public SQS queue policy statements to the owning account or organization',
  resourceType: 'sqs-queue',
  controls: { securityHub: ['SQS.3'], qualys: ['382'], seeds: ['002 "not publicly accessible"'] },
  risk: 'high',
  permissions: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:ListQueueTags', 'sqs:SetQueueAttributes'],
  configSchema: SqsBlockPublicAccessConfigSchema,

  async read(ctx) {
    return { queue: (await ctx.resource()) as SqsQueueState };
  },

  evaluate({ queue }, _config, settings) {
    const indexes = publicStatementIndexes(queue.policy);
    if (indexes.length === 0) return { kind: 'compliant', reason: queue.policy ? 'no statement allows public access' : 'the queue has no policy' };
    const owner = { accountId: queue.accountId, partition: queue.arn.split(':')[1] ?? 'aws', organizationId: settings.organizationId };
    const { after, changes } = scopePublicStatements(queue.policy!, indexes, owner);
    return {
      kind: 'plan',
      reason: `${indexes.length} statement(s) allow access to everyone with no condition scoping the callers`,
      changes,
      ops: [queuePolicyOp(queue, after)],
    };
  },

  apply: (ctx, ops) => applySqsOps(ctx.clients, ops),
});
