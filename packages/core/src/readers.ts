/** read: the base state of each resource type, one adapter call set per resource. */
import type { ResourceRef, ResourceType } from './arn';
import type { Clients } from './aws/clients';
import { readQueue } from './adapters/sqs';
import { readTopic } from './adapters/sns';
import { readBroker } from './adapters/mq';

/** Every base state carries the resource's tags (for exemptions and tag remediations). */
export interface BaseState {
  kind: ResourceType;
  arn: string;
  tags: Record<string, string>;
}

export type ResourceReader = (clients: Clients, ref: ResourceRef) => Promise<BaseState>;

export const READERS: Partial<Record<ResourceType, ResourceReader>> = {
  'sqs-queue': readQueue,
  'sns-topic': readTopic,
  'mq-broker': readBroker,
};
