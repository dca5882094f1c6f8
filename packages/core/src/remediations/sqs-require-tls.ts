import { z } from 'zod';
import { applySqsOps, queuePolicyOp, type SqsOp, type SqsQueueState } from '../adapters/sqs';
import { coversWholeService, isSecureTransportDeny } from '../policy';
import { ensureStatement } from './policy-statement';
import { defineRemediation } from './types';

export const SqsRequireTlsConfigSchema = z.object({}).strict();
export type SqsRequireTlsConfig = z.infer<typeof SqsRequireTlsConfigSchema>;

export const sqsRequireTls = defineRemediation<{ queue: SqsQueueState }, SqsRequireTlsConfig, SqsOp>({
  id: 'sqs-require-tls',
  title: 'Deny SQS requests that do not use TLS (aws:SecureTransport)',
  resourceType: 'sqs-queue',
  controls: { securityHub: [], qualys: ['452'], seeds: ['002 "encryption of data in transit"', 'NIST SC-8'] },
  risk: 'low',
  permissions: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:ListQueueTags', 'sqs:SetQueueAttributes'],
  configSchema: SqsRequireTlsConfigSchema,

  async read(ctx) {
    return { queue: (await ctx.resource()) as SqsQueueState };
  },

  evaluate({ queue }) {
    return ensureStatement(
      queue.policy,
      'queue',
      {
        rule: 'deny sqs:* when aws:SecureTransport is false',
        equivalent: (s) => isSecureTransportDeny(s, queue.arn, (x) => coversWholeService(x, 'sqs')),
        statement: {
          Sid: 'FixbridgeDenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sqs:*',
          Resource: queue.arn,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      },
      (after) => queuePolicyOp(queue, after),
    );
  },

  apply: (ctx, ops) => applySqsOps(ctx.clients, ops),
});
