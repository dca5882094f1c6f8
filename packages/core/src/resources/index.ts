/**
 * The catalog of resource kinds, like the catalog of remediations: routing, the sweep, rollback,
 * the deployed EventBridge rules and IAM policies are all built from this one list. A new service
 * is one kind module here plus its remediation modules.
 */
import { splitArn, type ResourceRef } from '../arn';
import { clip, InputError } from '../errors';
import type { AnyKind } from './kind';
import { mqBroker } from './mq-broker';
import { snsTopic } from './sns-topic';
import { sqsQueue } from './sqs-queue';

export * from './kind';
export * from './sqs-queue';
export * from './sns-topic';
export * from './mq-broker';

export const RESOURCE_KINDS = [sqsQueue, snsTopic, mqBroker] as const;
export type ResourceType = (typeof RESOURCE_KINDS)[number]['type'];
export const RESOURCE_TYPES: readonly ResourceType[] = RESOURCE_KINDS.map((k) => k.type);

const KINDS: readonly AnyKind[] = RESOURCE_KINDS;

export function kindOf(type: ResourceType): AnyKind {
  const kind = KINDS.find((k) => k.type === type);
  if (!kind) throw new Error(`no resource kind "${type}"`);
  return kind;
}

export function kindForEventSource(eventSource: string): AnyKind | undefined {
  return KINDS.find((k) => k.cloudTrail.eventSource === eventSource);
}

export function kindForEventBridgeSource(source: string): AnyKind | undefined {
  return KINDS.find((k) => k.cloudTrail.eventBridgeSource === source);
}

/**
 * Parse the ARN of a resource of a kind fixbridge knows. Throws `InputError` naming what is wrong.
 */
export function parseArn(arn: string): ResourceRef {
  const parts = splitArn(arn);
  if ('error' in parts) throw new InputError(`malformed ARN "${clip(arn)}": ${parts.error}`);
  const kind = KINDS.find((k) => k.service === parts.service);
  if (!kind) {
    throw new InputError(`unsupported ARN "${clip(arn)}": fixbridge handles ${KINDS.map((k) => k.service).join(', ').replace(/, (?=[^,]*$)/, ' and ')} resources, not "${parts.service}"`);
  }
  const named = kind.nameOf(parts.resource);
  if ('error' in named) throw new InputError(`malformed ARN "${clip(arn)}": ${named.error}`);
  return { type: kind.type as ResourceType, arn, partition: parts.partition, region: parts.region, accountId: parts.accountId, name: named.name };
}

/**
 * One stable key per resource, whatever ARN form named it. Use it to serialize and deduplicate work
 * on a resource (never the raw ARN).
 */
export function resourceKey(ref: ResourceRef): string {
  return kindOf(ref.type).key(ref);
}
