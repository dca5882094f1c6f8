import { z } from 'zod';
import { applySqsOps, type SqsOp, type SqsQueueState } from '../adapters/sqs';
import { readTargetAndCurrentKey, sameKey, type KeyInfo } from '../adapters/kms';
import { keyBlockReason, producerServices } from '../kms-safety';
import { defineRemediation } from './types';

export const SqsEncryptAtRestConfigSchema = z
  .object({
    /** Key id, key ARN, alias name or alias ARN of a customer-managed key. Without it: SSE-SQS. */
    kmsKeyId: z.string().min(1).optional(),
    /** KmsDataKeyReusePeriodSeconds to set with the key (60–86400; SQS default 300). */
    kmsDataKeyReusePeriodSeconds: z.number().int().min(60).max(86400).optional(),
  })
  .strict();
export type SqsEncryptAtRestConfig = z.infer<typeof SqsEncryptAtRestConfigSchema>;

export interface SqsEncryptAtRestInput {
  queue: SqsQueueState;
  /** The configured key, described (when `kmsKeyId` is set). */
  target?: KeyInfo;
  /** The key the queue uses now, described (when it has one and `kmsKeyId` is set). */
  current?: KeyInfo;
}

export const sqsEncryptAtRest = defineRemediation<SqsEncryptAtRestInput, SqsEncryptAtRestConfig, SqsOp>({
  id: 'sqs-encrypt-at-rest',
  title: 'Encrypt an SQS queue at rest (SSE-KMS with your key, else SSE-SQS)',
  resourceType: 'sqs-queue',
  controls: { securityHub: ['SQS.1'], qualys: ['291', '451'], seeds: ['002 "server-side encryption"', 'NIST SC-28'] },
  risk: 'medium',
  permissions: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:ListQueueTags', 'sqs:SetQueueAttributes', 'kms:DescribeKey', 'kms:GetKeyPolicy'],
  configSchema: SqsEncryptAtRestConfigSchema,

  async read(ctx, config) {
    const queue = (await ctx.resource()) as SqsQueueState;
    return { queue, ...(await readTargetAndCurrentKey(ctx.clients, config.kmsKeyId, queue.attributes.KmsMasterKeyId)) };
  },

  evaluate({ queue, target, current }, config) {
    const a = queue.attributes;
    const currentKey = a.KmsMasterKeyId || null;
    const sseSqs = a.SqsManagedSseEnabled === 'true';

    if (!config.kmsKeyId) {
      if (currentKey) return { kind: 'compliant', reason: `encrypted with KMS key ${currentKey}` };
      if (sseSqs) return { kind: 'compliant', reason: 'encrypted with SSE-SQS' };
      return {
        kind: 'plan',
        reason: 'the queue is not encrypted at rest; enable SSE-SQS (configure kmsKeyId to use your own KMS key instead)',
        changes: [{ field: 'SqsManagedSseEnabled', description: 'enable SSE-SQS encryption', before: a.SqsManagedSseEnabled ?? 'false', after: 'true' }],
        ops: [{ kind: 'set-attributes', url: queue.url, attributes: { SqsManagedSseEnabled: 'true' } }],
      };
    }

    if (currentKey === config.kmsKeyId || sameKey(current, target)) {
      return { kind: 'compliant', reason: `encrypted with the configured key ${config.kmsKeyId}` };
    }
    const producers = producerServices(queue.policy, 'sqs:SendMessage');
    const blocked = keyBlockReason(target ?? { requested: config.kmsKeyId, found: false, policy: null }, producers);
    if (blocked) return { kind: 'blocked', reason: blocked };

    const attributes: Record<string, string> = { KmsMasterKeyId: config.kmsKeyId };
    const changes = [
      {
        field: 'KmsMasterKeyId',
        description: `encrypt with KMS key ${config.kmsKeyId}`,
        before: currentKey,
        after: config.kmsKeyId,
      },
    ];
    if (sseSqs) {
      attributes.SqsManagedSseEnabled = 'false';
      changes.push({ field: 'SqsManagedSseEnabled', description: 'replace SSE-SQS with SSE-KMS', before: 'true', after: 'false' });
    }
    const reuse = config.kmsDataKeyReusePeriodSeconds;
    if (reuse !== undefined && a.KmsDataKeyReusePeriodSeconds !== String(reuse)) {
      attributes.KmsDataKeyReusePeriodSeconds = String(reuse);
      changes.push({ field: 'KmsDataKeyReusePeriodSeconds', description: `reuse data keys for ${reuse}s`, before: a.KmsDataKeyReusePeriodSeconds ?? null, after: String(reuse) });
    }
    return {
      kind: 'plan',
      reason: currentKey
        ? `the queue uses key ${currentKey}, not the configured ${config.kmsKeyId}`
        : `the queue is not encrypted with the configured key ${config.kmsKeyId}`,
      changes,
      ops: [{ kind: 'set-attributes', url: queue.url, attributes }],
    };
  },

  apply: (ctx, ops) => applySqsOps(ctx.clients, ops),
});
