/**
 * The SNS adapter: every SNS call the engine makes goes through here.
 */
import { GetTopicAttributesCommand, ListTagsForResourceCommand, SetTopicAttributesCommand, TagResourceCommand } from '@aws-sdk/client-sns';
import type { ResourceRef } from '../arn';
import type { Clients } from '../aws/clients';
import { ResourceNotFoundError } from '../errors';
import { canonicalPolicyText, parsePolicy, serializePolicy, type PolicyDocument } from '../policy';

export interface SnsTopicState {
  kind: 'sns-topic';
  arn: string;
  name: string;
  accountId: string;
  region: string;
  /** Every attribute as GetTopicAttributes returned it. */
  attributes: Record<string, string>;
  policy: PolicyDocument | null;
  tags: Record<string, string>;
}

function isNotFound(err: unknown): boolean {
  return /^(NotFound|ResourceNotFound)(Exception)?$/.test((err as Error)?.name ?? '');
}

async function topicAttributes(clients: Clients, arn: string): Promise<Record<string, string>> {
  return (await clients.sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes ?? {};
}

/** GetTopicAttributes + ListTagsForResource: the whole base state in two calls. */
export async function readTopic(clients: Clients, ref: ResourceRef): Promise<SnsTopicState> {
  try {
    const [attributes, tags] = await Promise.all([
      topicAttributes(clients, ref.arn),
      clients.sns.send(new ListTagsForResourceCommand({ ResourceArn: ref.arn })),
    ]);
    return {
      kind: 'sns-topic',
      arn: attributes.TopicArn ?? ref.arn,
      name: ref.name,
      accountId: ref.accountId,
      region: ref.region,
      attributes,
      policy: parsePolicy(attributes.Policy, `policy of ${ref.arn}`),
      tags: Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    };
  } catch (err) {
    if (isNotFound(err)) throw new ResourceNotFoundError(`topic ${ref.arn} does not exist`);
    throw err;
  }
}

/** The writes SNS remediations plan. `expectPolicy` guards read-modify-write of the topic policy. */
export type SnsOp =
  | { kind: 'set-attribute'; topicArn: string; name: 'Policy' | 'KmsMasterKeyId'; value: string; expectPolicy?: string | null }
  | { kind: 'tag'; topicArn: string; tags: Record<string, string> };

/** SetTopicAttributes(Policy), refused at apply time if the policy changed since it was read. */
export function topicPolicyOp(topic: SnsTopicState, after: PolicyDocument): SnsOp {
  return { kind: 'set-attribute', topicArn: topic.arn, name: 'Policy', value: serializePolicy(after), expectPolicy: topic.attributes.Policy ?? null };
}

/** Perform SNS operations in order. A policy edited by someone else since it was read is not overwritten. */
export async function applySnsOps(clients: Clients, ops: SnsOp[]): Promise<void> {
  for (const op of ops) {
    if (op.kind === 'tag') {
      await clients.sns.send(new TagResourceCommand({ ResourceArn: op.topicArn, Tags: Object.entries(op.tags).map(([Key, Value]) => ({ Key, Value })) }));
      continue;
    }
    if (op.expectPolicy !== undefined && canonicalPolicyText((await topicAttributes(clients, op.topicArn)).Policy) !== canonicalPolicyText(op.expectPolicy)) {
      throw new Error('the topic policy changed after it was read; nothing was written (run again to re-plan)');
    }
    await clients.sns.send(new SetTopicAttributesCommand({ TopicArn: op.topicArn, AttributeName: op.name, AttributeValue: op.value }));
  }
}
