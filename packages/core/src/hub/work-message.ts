/**
 * The work queue's message: a work item without its remediation object, so it survives JSON.
 * The router writes it, the worker turns it back into a work item.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ResourceRef } from '../arn';
import { CATALOG, findRemediation } from '../catalog';
import { InputError } from '../errors';
import { firstIssue } from '../events/envelope';
import { parseArn, resourceKey } from '../resources';
import { ModeSchema } from '../results';
import type { AnyRemediation } from '../remediations/types';
import { TriggerSchema, type WorkItem } from '../routing';

export const WorkMessageSchema = z
  .object({
    remediation: z.string().min(1),
    resourceArn: z.string().min(1),
    /** The kind's locator of the resource (an SQS queue URL), when the event or listing gave it. */
    hint: z.string().min(1).optional(),
    trigger: TriggerSchema,
    forcedMode: ModeSchema.optional(),
    requestedMode: ModeSchema.optional(),
  })
  .strict();
export type WorkMessage = z.infer<typeof WorkMessageSchema>;

/** Only runnable items become messages: the router drops skips before sending. */
export function toWorkMessage(item: WorkItem): WorkMessage {
  if (item.skip || !item.remediation || !item.ref) throw new Error('a skipped work item is not sent to the work queue');
  return {
    remediation: item.remediation.id,
    resourceArn: item.ref.arn,
    ...(item.ref.hint ? { hint: item.ref.hint } : {}),
    trigger: item.trigger,
    ...(item.forcedMode ? { forcedMode: item.forcedMode } : {}),
    ...(item.requestedMode ? { requestedMode: item.requestedMode } : {}),
  };
}

export function fromWorkMessage(body: string, catalog: readonly AnyRemediation[] = CATALOG): WorkItem {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (cause) {
    throw new InputError(`work message is not valid JSON (${(cause as Error).message})`, { cause });
  }
  const parsed = WorkMessageSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`work message ${firstIssue(parsed.error)}`);
  const m = parsed.data;
  const remediation = findRemediation(m.remediation, catalog);
  if (!remediation) throw new InputError(`work message names unknown remediation "${m.remediation}"`);
  const ref = { ...parseArn(m.resourceArn), ...(m.hint ? { hint: m.hint } : {}) };
  return {
    remediation,
    resourceArn: ref.arn,
    ref,
    trigger: m.trigger,
    ...(m.forcedMode ? { forcedMode: m.forcedMode } : {}),
    ...(m.requestedMode ? { requestedMode: m.requestedMode } : {}),
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The identity of one delivery of one piece of work: event id + remediation + resource (its
 * `resourceKey`, so every ARN form of one broker gives one key). The same EventBridge event
 * delivered twice has the same key. Undefined when the trigger has no event id.
 */
export function idempotencyKey(item: WorkItem): string | undefined {
  const eventId = item.trigger.eventId;
  if (!eventId || !item.remediation || !item.ref) return undefined;
  // An approved plan is other work than the plan filed for approval by the same event.
  const approved = item.approved ? `\napproved ${item.approved.id}` : '';
  return sha256(`${eventId}\n${item.remediation.id}\n${resourceKey(item.ref)}${approved}`);
}

/** The FIFO deduplication id (at most 128 characters): the idempotency key, or a hash of the message. */
export function deduplicationId(item: WorkItem): string {
  return idempotencyKey(item) ?? sha256(JSON.stringify(toWorkMessage(item)));
}

/** The FIFO message group: the resource's key (hashed when longer than SQS's 128 characters). */
export function messageGroupId(ref: ResourceRef): string {
  const key = resourceKey(ref);
  return key.length <= 128 ? key : sha256(key);
}

/** Change ids are `ch-` and 20 hex digits; derived from the idempotency key, so a retry reuses its id. */
export const CHANGE_ID_RE = /^ch-[0-9a-f]{20}$/;
export function changeIdFor(key: string | undefined): string {
  return `ch-${key ? key.slice(0, 20) : randomBytes(10).toString('hex')}`;
}
