import { z } from 'zod';
import { applySqsOps, type SqsOp, type SqsQueueState } from '../adapters/sqs';
import { appendStatement, coversWholeService, isSecureTransportDeny, serializePolicy, statementsOf, uniqueSid, type Statement } from '../policy';
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
    const existing = statementsOf(queue.policy).find((s) => isSecureTransportDeny(s, queue.arn, (x) => coversWholeService(x, 'sqs')));
    if (existing) return { kind: 'compliant', reason: `the policy denies non-TLS access${existing.Sid ? ` (statement ${existing.Sid})` : ''}` };
    const stmt: Statement = {
      Sid: uniqueSid(queue.policy, 'FixbridgeDenyInsecureTransport'),
      Effect: 'Deny',
      Principal: '*',
      Action: 'sqs:*',
      Resource: queue.arn,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    const after = appendStatement(queue.policy, stmt);
    return {
      kind: 'plan',
      reason: 'the queue policy does not deny requests made without TLS',
      changes: [{ field: 'Policy', description: `add statement ${stmt.Sid}: Deny sqs:* when aws:SecureTransport is false`, before: queue.policy, after }],
      ops: [{ kind: 'set-attributes', url: queue.url, attributes: { Policy: serializePolicy(after) }, expectPolicy: queue.attributes.Policy ?? null }],
    };
  },

  apply: (ctx, ops) => applySqsOps(ctx.clients, ops),
});
