import { z } from 'zod';
import { sqsQueue, deadLetterSourceQueues, getQueueUrl, readQueueAttributes, type SqsOp, type SqsQueueState } from '../resources/sqs-queue';
import { defineRemediation } from './types';

export const SqsDeadLetterQueueOptionsSchema = z
  .object({
    /** Receives before a message moves to the DLQ (SQS allows 1–1000). */
    maxReceiveCount: z.number().int().min(1).max(1000).default(5),
  })
  .strict();
export type SqsDeadLetterQueueOptions = z.infer<typeof SqsDeadLetterQueueOptionsSchema>;

export interface SqsDeadLetterQueueInput {
  queue: SqsQueueState;
  /** URLs of queues that already use this queue as their DLQ. */
  sourceQueues: string[];
  /** The `<name>-dlq` queue, when it already exists. */
  existingDlq?: { url: string; attributes: Record<string, string> };
}

/** `orders` → `orders-dlq`, `orders.fifo` → `orders-dlq.fifo`. */
export function dlqNameFor(name: string): string {
  return name.endsWith('.fifo') ? `${name.slice(0, -'.fifo'.length)}-dlq.fifo` : `${name}-dlq`;
}

const DLQ_LIKE_NAME = /([-_.]dlq|[-_.]dead-?letter(-?queue)?)(\.fifo)?$/i;
const FOURTEEN_DAYS = '1209600';

export const sqsDeadLetterQueue = defineRemediation({
  id: 'sqs-dead-letter-queue',
  title: 'Give an SQS queue a dead-letter queue (same type and encryption)',
  kind: sqsQueue,
  controls: { securityHub: [], qualys: ['504'], seeds: ['003 "use dead-letter queues"'] },
  risk: 'medium',
  permissions: ['sqs:ListDeadLetterSourceQueues', 'sqs:CreateQueue', 'sqs:SetQueueAttributes'],
  optionsSchema: SqsDeadLetterQueueOptionsSchema,

  async read(ctx) {
    const queue = await ctx.resource();
    if (queue.attributes.RedrivePolicy) return { queue, sourceQueues: [] };
    const sourceQueues = await deadLetterSourceQueues(ctx.clients, queue.url);
    // A queue that is a dead-letter queue, or is named like one, is skipped: no DLQ of its own to look up.
    if (sourceQueues.length > 0 || DLQ_LIKE_NAME.test(queue.name)) return { queue, sourceQueues };
    const dlqUrl = await getQueueUrl(ctx.clients, dlqNameFor(queue.name), queue.accountId);
    const existingDlq = dlqUrl ? { url: dlqUrl, attributes: await readQueueAttributes(ctx.clients, dlqUrl) } : undefined;
    return { queue, sourceQueues, ...(existingDlq ? { existingDlq } : {}) };
  },

  evaluate({ queue, sourceQueues, existingDlq }, options) {
    const a = queue.attributes;
    if (a.RedrivePolicy) {
      let target = a.RedrivePolicy;
      try {
        target = (JSON.parse(a.RedrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn ?? target;
      } catch {
        /* keep the raw text */
      }
      return { kind: 'compliant', reason: `dead-letter queue is ${target}` };
    }
    if (sourceQueues.length > 0) {
      const names = sourceQueues.map((u) => u.split('/').pop()).join(', ');
      return { kind: 'skipped', reason: `the queue is itself the dead-letter queue of ${names}` };
    }
    if (DLQ_LIKE_NAME.test(queue.name)) {
      return { kind: 'skipped', reason: `the queue is named like a dead-letter queue ("${queue.name}"); a DLQ needs no DLQ of its own` };
    }
    const dlqName = dlqNameFor(queue.name);
    if (dlqName.length > 80) {
      return { kind: 'blocked', reason: `the dead-letter queue name "${dlqName}" would exceed SQS's 80-character limit; create a DLQ by hand and set RedrivePolicy` };
    }
    const dlqArn = `arn:${queue.arn.split(':')[1]}:sqs:${queue.region}:${queue.accountId}:${dlqName}`;
    const redrive = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: options.maxReceiveCount });
    const ops: SqsOp[] = [];
    const changes = [];

    if (existingDlq) {
      const dlqFifo = existingDlq.attributes.FifoQueue === 'true';
      if (dlqFifo !== queue.fifo) {
        return { kind: 'blocked', reason: `queue ${dlqName} already exists but is ${dlqFifo ? 'FIFO' : 'standard'} while ${queue.name} is ${queue.fifo ? 'FIFO' : 'standard'}; a DLQ must match its source queue's type` };
      }
    } else {
      const attributes: Record<string, string> = { MessageRetentionPeriod: FOURTEEN_DAYS };
      if (queue.fifo) attributes.FifoQueue = 'true';
      if (a.KmsMasterKeyId) {
        attributes.KmsMasterKeyId = a.KmsMasterKeyId;
        if (a.KmsDataKeyReusePeriodSeconds) attributes.KmsDataKeyReusePeriodSeconds = a.KmsDataKeyReusePeriodSeconds;
      } else if (a.SqsManagedSseEnabled === 'true') {
        attributes.SqsManagedSseEnabled = 'true';
      }
      ops.push({ kind: 'create-queue', name: dlqName, attributes });
      changes.push({ field: 'DeadLetterQueue', description: `create ${queue.fifo ? 'FIFO ' : ''}queue ${dlqName}`, before: null, after: { name: dlqName, attributes } });
    }
    ops.push({ kind: 'set-attributes', url: queue.url, attributes: { RedrivePolicy: redrive } });
    changes.push({ field: 'RedrivePolicy', description: `send messages to ${dlqName} after ${options.maxReceiveCount} receives`, before: null, after: redrive });
    return { kind: 'plan', reason: 'the queue has no dead-letter queue', changes, ops };
  },
});
