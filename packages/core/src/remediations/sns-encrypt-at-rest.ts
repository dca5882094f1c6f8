import { z } from 'zod';
import { isAwsManagedAlias, readTargetAndCurrentKey, sameKey, type KeyInfo } from '../adapters/kms';
import { snsTopic, type SnsTopicState } from '../resources/sns-topic';
import { alarmsPublishingTo, type AlarmPublishers } from '../adapters/cloudwatch';
import { keyBlockReason, producerServices } from '../kms-safety';
import { defineRemediation } from './types';

export const SnsEncryptAtRestOptionsSchema = z
  .object({
    /** Key id, key ARN, alias name or alias ARN of a customer-managed key. Required to remediate. */
    kmsKeyId: z.string().min(1).optional(),
  })
  .strict();
export type SnsEncryptAtRestOptions = z.infer<typeof SnsEncryptAtRestOptionsSchema>;

export interface SnsEncryptAtRestInput {
  topic: SnsTopicState;
  /** The configured key, described (when `kmsKeyId` is set). */
  target?: KeyInfo;
  /** The key the topic uses now, described (when it has one and `kmsKeyId` is set). */
  current?: KeyInfo;
  /** CloudWatch alarms publishing to the topic (read when a key switch is possible). */
  alarms?: AlarmPublishers;
}

/** AWS service publishers of the topic: those its policy names, and CloudWatch when alarms publish to it. */
export function topicPublishers(topic: SnsTopicState, alarms?: AlarmPublishers): string[] {
  const named = producerServices(topic.policy, 'sns:Publish');
  const viaAlarms = alarms && (alarms.names.length > 0 || alarms.truncated) ? ['cloudwatch.amazonaws.com'] : [];
  return [...new Set([...named, ...viaAlarms])].sort();
}

function alarmNote(alarms: AlarmPublishers | undefined): string {
  if (!alarms || (!alarms.names.length && !alarms.truncated)) return '';
  const list = alarms.names.slice(0, 5).join(', ') + (alarms.names.length > 5 ? ` and ${alarms.names.length - 5} more` : '');
  return alarms.names.length
    ? ` (CloudWatch alarms publish to this topic: ${list})`
    : ' (there are more CloudWatch alarms than fixbridge reads, so one may publish to this topic)';
}

const SET_KEY = 'set remediations.sns-encrypt-at-rest.kmsKeyId to a customer-managed KMS key whose policy lets the topic\'s publishers use it';
/** Why there is no default: alias/aws/sns is usable by no AWS service publisher. */
const NO_MANAGED_DEFAULT = 'the AWS-managed alias/aws/sns is never a default, as EventBridge, CloudWatch alarms, S3 and other AWS service publishers cannot use it';

export const snsEncryptAtRest = defineRemediation({
  id: 'sns-encrypt-at-rest',
  title: 'Encrypt an SNS topic at rest with your KMS key (KmsMasterKeyId)',
  kind: snsTopic,
  controls: { securityHub: ['SNS.1'], qualys: ['290', '518'], seeds: [] },
  risk: 'medium',
  permissions: ['sns:SetTopicAttributes', 'kms:DescribeKey', 'kms:GetKeyPolicy', 'cloudwatch:DescribeAlarms'],
  optionsSchema: SnsEncryptAtRestOptionsSchema,

  async read(ctx, options) {
    const topic = await ctx.resource();
    const keys = await readTargetAndCurrentKey(ctx.clients, options.kmsKeyId, topic.attributes.KmsMasterKeyId);
    const switching = options.kmsKeyId && !(topic.attributes.KmsMasterKeyId === options.kmsKeyId || sameKey(keys.current, keys.target));
    return { topic, ...keys, ...(switching ? { alarms: await alarmsPublishingTo(ctx.clients, topic.arn) } : {}) };
  },

  evaluate({ topic, target, current, alarms }, options) {
    const currentKey = topic.attributes.KmsMasterKeyId || null;
    if (!options.kmsKeyId) {
      if (!currentKey) return { kind: 'blocked', reason: `the topic is not encrypted at rest and no key is configured: ${SET_KEY} (${NO_MANAGED_DEFAULT})` };
      if (isAwsManagedAlias(currentKey)) return { kind: 'blocked', reason: `the topic uses the AWS-managed key ${currentKey}, not a customer-managed one: ${SET_KEY}` };
      return { kind: 'compliant', reason: `encrypted with KMS key ${currentKey}` };
    }
    if (currentKey === options.kmsKeyId || sameKey(current, target)) {
      return { kind: 'compliant', reason: `encrypted with the configured key ${options.kmsKeyId}` };
    }
    const publishers = topicPublishers(topic, alarms);
    const blocked = keyBlockReason(target ?? { requested: options.kmsKeyId, found: false, policy: null }, publishers);
    if (blocked) return { kind: 'blocked', reason: blocked.includes('cloudwatch.amazonaws.com') ? blocked + alarmNote(alarms) : blocked };
    return {
      kind: 'plan',
      reason: currentKey ? `the topic uses key ${currentKey}, not the configured ${options.kmsKeyId}` : 'the topic is not encrypted at rest',
      changes: [{ field: 'KmsMasterKeyId', description: `encrypt with KMS key ${options.kmsKeyId}`, before: currentKey, after: options.kmsKeyId }],
      ops: [{ kind: 'set-attribute', topicArn: topic.arn, name: 'KmsMasterKeyId', value: options.kmsKeyId }],
    };
  },
});
