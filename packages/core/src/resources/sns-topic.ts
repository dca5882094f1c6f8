/**
 * SNS topics: every SNS call the engine makes goes through here.
 * ARN: arn:aws:sns:<region>:<account>:<topic-name>
 */
import {
  GetTopicAttributesCommand,
  ListTagsForResourceCommand,
  paginateListTopics,
  SetTopicAttributesCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import type { Clients } from '../aws/clients';
import { ConcurrentEditError, ResourceNotFoundError } from '../errors';
import { canonicalPolicyText, parsePolicy, serializePolicy, type PolicyDocument } from '../policy';
import { attributeText, defineKind, str } from './kind';

export interface SnsTopicState {
  arn: string;
  name: string;
  accountId: string;
  region: string;
  /** Every attribute as GetTopicAttributes returned it. */
  attributes: Record<string, string>;
  policy: PolicyDocument | null;
}

/** The writes SNS remediations plan. `expectPolicy` guards read-modify-write of the topic policy. */
export type SnsOp =
  | { kind: 'set-attribute'; topicArn: string; name: string; value: string; expectPolicy?: string | null }
  | { kind: 'tag'; topicArn: string; tags: Record<string, string> }
  | { kind: 'untag'; topicArn: string; keys: string[] };

const TOPIC_NAME_RE = /^[A-Za-z0-9_-]{1,256}$|^[A-Za-z0-9_-]{1,251}\.fifo$/;

function isNotFound(err: unknown): boolean {
  return /^(NotFound|ResourceNotFound)(Exception)?$/.test((err as Error)?.name ?? '');
}

async function topicAttributes(clients: Clients, arn: string): Promise<Record<string, string>> {
  return (await clients.sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes ?? {};
}

/** SetTopicAttributes(Policy), refused at apply time if the policy changed since it was read. */
export function topicPolicyOp(topic: SnsTopicState, after: PolicyDocument): SnsOp {
  return { kind: 'set-attribute', topicArn: topic.arn, name: 'Policy', value: serializePolicy(after), expectPolicy: topic.attributes.Policy ?? null };
}

const notFound = (arn: string, cause: unknown) => new ResourceNotFoundError(`topic ${arn} does not exist`, { cause });

export const snsTopic = defineKind<'sns-topic', SnsTopicState, SnsOp>({
  type: 'sns-topic',
  label: 'SNS topic',
  service: 'sns',
  cfnType: 'AWS::SNS::Topic',
  arnForm: 'arn:aws:sns:<region>:<account>:<topic-name>',
  nameOf: (resource) =>
    TOPIC_NAME_RE.test(resource) ? { name: resource } : { error: `"${resource}" is not a valid SNS topic name (subscription ARNs are not supported)` },
  key: (ref) => ref.arn,

  cloudTrail: {
    eventBridgeSource: 'aws.sns',
    eventSource: 'sns.amazonaws.com',
    triggerEvents: ['CreateTopic', 'SetTopicAttributes', 'AddPermission', 'RemovePermission', 'Subscribe', 'TagResource', 'UntagResource'],
    // CreateTopic answers with the ARN; the others name it (tagging calls as resourceArn).
    resourceOf(d) {
      const arn = str(d.requestParameters?.topicArn) ?? str(d.requestParameters?.resourceArn) ?? str(d.responseElements?.topicArn);
      return arn ? { arn } : undefined;
    },
  },
  findingResourceTypes: ['AwsSnsTopic'],

  reads: ['sns:GetTopicAttributes', 'sns:ListTagsForResource'],
  async read(clients, ref) {
    let attributes: Record<string, string>;
    try {
      attributes = await topicAttributes(clients, ref.arn);
    } catch (err) {
      if (isNotFound(err)) throw notFound(ref.arn, err);
      throw err;
    }
    return {
      arn: attributes.TopicArn ?? ref.arn,
      name: ref.name,
      accountId: ref.accountId,
      region: ref.region,
      attributes,
      policy: parsePolicy(attributes.Policy, `policy of ${ref.arn}`),
    };
  },
  async readTags(clients, topic) {
    try {
      const out = await clients.sns.send(new ListTagsForResourceCommand({ ResourceArn: topic.arn }));
      return Object.fromEntries((out.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
    } catch (err) {
      if (isNotFound(err)) throw notFound(topic.arn, err);
      throw err;
    }
  },

  async applyOps(clients, ops) {
    for (const op of ops) {
      switch (op.kind) {
        case 'tag':
          await clients.sns.send(new TagResourceCommand({ ResourceArn: op.topicArn, Tags: Object.entries(op.tags).map(([Key, Value]) => ({ Key, Value })) }));
          break;
        case 'untag':
          await clients.sns.send(new UntagResourceCommand({ ResourceArn: op.topicArn, TagKeys: op.keys }));
          break;
        case 'set-attribute':
          if (op.expectPolicy !== undefined && canonicalPolicyText((await topicAttributes(clients, op.topicArn)).Policy) !== canonicalPolicyText(op.expectPolicy)) {
            throw new ConcurrentEditError('the topic policy changed after it was read; nothing was written (run again to re-plan)');
          }
          await clients.sns.send(new SetTopicAttributesCommand({ TopicArn: op.topicArn, AttributeName: op.name, AttributeValue: op.value }));
          break;
      }
    }
  },

  list: {
    permission: 'sns:ListTopics',
    async *all(clients) {
      for await (const page of paginateListTopics({ client: clients.sns }, {})) {
        for (const t of page.Topics ?? []) if (t.TopicArn) yield { arn: t.TopicArn };
      }
    },
  },

  restorer: {
    writable: new Set(['Policy', 'KmsMasterKeyId', 'DeliveryPolicy', 'DisplayName', 'TracingConfig', 'SignatureVersion']),
    current: (t) => ({ ...t.attributes }),
    write: (t, values, read) =>
      Object.entries(values).map(([name, v]) => ({
        kind: 'set-attribute' as const,
        topicArn: t.arn,
        name,
        value: attributeText(v),
        ...(name === 'Policy' ? { expectPolicy: attributeText(read.Policy) || null } : {}),
      })),
    tag: (t, set, remove) => [
      ...(remove.length ? [{ kind: 'untag' as const, topicArn: t.arn, keys: remove }] : []),
      ...(Object.keys(set).length ? [{ kind: 'tag' as const, topicArn: t.arn, tags: set }] : []),
    ],
  },
});
