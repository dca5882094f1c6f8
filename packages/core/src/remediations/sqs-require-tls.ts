import { z } from 'zod';
import { sqsQueue, queuePolicyOp } from '../resources/sqs-queue';
import { coversWholeService, isSecureTransportDeny } from '../policy';
import { ensureStatement } from './policy-statement';
import { defineRemediation } from './types';

export const SqsRequireTlsOptionsSchema = z.object({}).strict();
export type SqsRequireTlsOptions = z.infer<typeof SqsRequireTlsOptionsSchema>;

export const sqsRequireTls = defineRemediation({
  id: 'sqs-require-tls',
  title: 'Deny SQS requests that do not use TLS (aws:SecureTransport)',
  kind: sqsQueue,
  controls: { securityHub: [], qualys: ['452'], seeds: ['002 "encryption of data in transit"', 'NIST SC-8'] },
  risk: 'low',
  permissions: ['sqs:SetQueueAttributes'],
  optionsSchema: SqsRequireTlsOptionsSchema,

  async read(ctx) {
    return { queue: await ctx.resource() };
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
});
