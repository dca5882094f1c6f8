import { z } from 'zod';
import { sqsQueue, type SqsQueueState } from '../resources/sqs-queue';
import { readTargetAndCurrentKey, sameKey, type KeyInfo } from '../adapters/kms';
import { keyBlockReason, producerServices } from '../kms-safety';
import { defineRemediation } from './types';

export const SqsEncryptAtRestOptionsSchema = z
  .object({
    /** Key id, key ARN, alias name or alias ARN of a customer-managed key. Without it: SSE-SQS. */
    kmsKeyId: z.string().min(1).optional(),
    /** KmsDataKeyReusePeriodSeconds to set with the key (60–86400; SQS default 300). */
    kmsDataKeyReusePeriodSeconds: z.number().int().min(60).max(86400).optional(),
  })
  .strict();
export type SqsEncryptAtRestOptions = z.infer<typeof SqsEncryptAtRestOptionsSchema>;

export interface SqsEncryptAtRestInput {
  queue: SqsQueueState;
  /** The configured key, described (when `kmsKeyId` is set). */
  target?: KeyInfo;
  /** The key the queue uses now, described (when it has one and `kmsKeyId` is set). */
  current?: KeyInfo;
}

export const sqsEncryptAtRest = defineRemediation({
  id: 'sqs-encrypt-at-rest',
  title: 'Encrypt an SQS queue at rest (SSE-KMS with your key, else SSE-SQS)',
  kind: sqsQueue,
  controls: { securityHub: ['SQS.1'], qualys: ['291', '451'], seeds: ['002 "server-side encryption"', 'NIST SC-28'] },
  risk: 'medium',
  permissions: ['sqs:SetQueueAttributes', 'kms:DescribeKey', 'kms:GetKeyPolicy'],
  optionsSchema: SqsEncryptAtRestOptionsSchema,

  async read(ctx, options) {
    const queue = await ctx.resource();
    return { queue, ...(await readTargetAndCurrentKey(ctx.clients, options.kmsKeyId, queue.attributes.KmsMasterKeyId)) };
  },

  evaluate({ queue, target, current }, options) {
    const a = queue.attributes;
    const currentKey = a.KmsMasterKeyId || null;
    const sseSqs = a.SqsManagedSseEnabled === 'true';

    if (!options.kmsKeyId) {
      if (currentKey) return { kind: 'compliant', reason: `encrypted with KMS key ${currentKey}` };
      if (sseSqs) return { kind: 'compliant', reason: 'encrypted with SSE-SQS' };
      return {
        kind: 'plan',
        reason: 'the queue is not encrypted at rest; enable SSE-SQS (configure kmsKeyId to use your own KMS key instead)',
        changes: [{ field: 'SqsManagedSseEnabled', description: 'enable SSE-SQS encryption', before: a.SqsManagedSseEnabled ?? 'false', after: 'true' }],
        ops: [{ kind: 'set-attributes', url: queue.url, attributes: { SqsManagedSseEnabled: 'true' } }],
      };
    }

    if (currentKey === options.kmsKeyId || sameKey(current, target)) {
      return { kind: 'compliant', reason: `encrypted with the configured key ${options.kmsKeyId}` };
    }
    const producers = producerServices(queue.policy, 'sqs:SendMessage');
    const blocked = keyBlockReason(target ?? { requested: options.kmsKeyId, found: false, policy: null }, producers);
    if (blocked) return { kind: 'blocked', reason: blocked };

    const attributes: Record<string, string> = { KmsMasterKeyId: options.kmsKeyId };
    const changes = [
      {
        field: 'KmsMasterKeyId',
        description: `encrypt with KMS key ${options.kmsKeyId}`,
        before: currentKey,
        after: options.kmsKeyId,
      },
    ];
    if (sseSqs) {
      attributes.SqsManagedSseEnabled = 'false';
      changes.push({ field: 'SqsManagedSseEnabled', description: 'replace SSE-SQS with SSE-KMS', before: 'true', after: 'false' });
    }
    const reuse = options.kmsDataKeyReusePeriodSeconds;
    if (reuse !== undefined && a.KmsDataKeyReusePeriodSeconds !== String(reuse)) {
      attributes.KmsDataKeyReusePeriodSeconds = String(reuse);
      changes.push({ field: 'KmsDataKeyReusePeriodSeconds', description: `reuse data keys for ${reuse}s`, before: a.KmsDataKeyReusePeriodSeconds ?? null, after: String(reuse) });
    }
    return {
      kind: 'plan',
      reason: currentKey
        ? `the queue uses key ${currentKey}, not the configured ${options.kmsKeyId}`
        : `the queue is not encrypted with the configured key ${options.kmsKeyId}`,
      changes,
      ops: [{ kind: 'set-attributes', url: queue.url, attributes }],
    };
  },
});
