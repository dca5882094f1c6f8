/**
 * Sending to the FIFO work queue: the router (work items of an event, a sweep's listings) and the
 * worker (a listing's resources) both send through here, ten messages per `SendMessageBatch`.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** One message for the work queue: its body, message group and deduplication id. */
export interface QueueEntry {
  body: string;
  groupId: string;
  deduplicationId: string;
}

/** The most messages one `SendMessageBatch` takes. */
export const SEND_BATCH_SIZE = 10;

/** Send one batch (at most ten); a message the queue refuses fails the whole call, naming why. */
export async function sendBatch(sqs: SQSClient, queueUrl: string, batch: readonly QueueEntry[]): Promise<void> {
  if (batch.length === 0) return;
  if (batch.length > SEND_BATCH_SIZE) throw new Error(`a batch holds at most ${SEND_BATCH_SIZE} messages, not ${batch.length}`);
  const out = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: batch.map((e, n) => ({ Id: String(n), MessageBody: e.body, MessageGroupId: e.groupId, MessageDeduplicationId: e.deduplicationId })),
    }),
  );
  if (out.Failed?.length) throw new Error(`the work queue refused ${out.Failed.length} message(s): ${out.Failed.map((f) => `${f.Code} ${f.Message}`).join('; ')}`);
}

/** Send every entry, in batches of ten, in order. Resolves to the number sent. */
export async function sendAll(sqs: SQSClient, queueUrl: string, entries: readonly QueueEntry[]): Promise<number> {
  for (let i = 0; i < entries.length; i += SEND_BATCH_SIZE) await sendBatch(sqs, queueUrl, entries.slice(i, i + SEND_BATCH_SIZE));
  return entries.length;
}
