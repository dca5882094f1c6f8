import { z } from 'zod';
import { sqsQueue, queuePolicyOp } from '../resources/sqs-queue';
import { publicStatementIndexes, scopePublicStatements } from '../public-access';
import { defineRemediation } from './types';

export const SqsBlockPublicAccessOptionsSchema = z.object({}).strict();
export type SqsBlockPublicAccessOptions = z.infer<typeof SqsBlockPublicAccessOptionsSchema>;

export const sqsBlockPublicAccess = defineRemediation({
  id: 'sqs-block-public-access',
  title: 'Scope public SQS queue policy statements to the owning account or organization',
  kind: sqsQueue,
  controls: { securityHub: ['SQS.3'], qualys: ['382'], seeds: ['002 "not publicly accessible"'] },
  risk: 'high',
  permissions: ['sqs:SetQueueAttributes'],
  optionsSchema: SqsBlockPublicAccessOptionsSchema,

  async read(ctx) {
    return { queue: await ctx.resource() };
  },

  evaluate({ queue }, _options, settings) {
    const indexes = publicStatementIndexes(queue.policy, queue.arn);
    if (indexes.length === 0) return { kind: 'compliant', reason: queue.policy ? 'no statement allows public access' : 'the queue has no policy' };
    const owner = { accountId: queue.accountId, partition: queue.arn.split(':')[1] ?? 'aws', organizationId: settings.organizationId };
    const scoped = scopePublicStatements(queue.policy!, indexes, owner);
    if ('blocked' in scoped) return { kind: 'blocked', reason: `${indexes.length} statement(s) allow access to everyone, but ${scoped.blocked}` };
    const { after, changes } = scoped;
    return {
      kind: 'plan',
      reason: `${indexes.length} statement(s) allow access to everyone with no condition scoping the callers`,
      changes,
      ops: [queuePolicyOp(queue, after)],
    };
  },
});
