/**
 * Resource metadata as data: for each resource type, where its CloudTrail events come from, which
 * event names can change its compliance, how to find its ARN in an event, and how Security Hub
 * names it. Routing and the deployed EventBridge rules are both built from this table.
 */
import { mqBrokerArn, partitionOf, queueArnFromUrl, type ResourceType } from './arn';
import type { CloudTrailDetail } from './events/cloudtrail';

export interface ResourceKind {
  type: ResourceType;
  /** EventBridge `source` of its CloudTrail events. */
  eventBridgeSource: string;
  /** CloudTrail `eventSource`. */
  cloudTrailEventSource: string;
  /** CloudTrail event names that create the resource or can change its compliance. */
  triggerEvents: readonly string[];
  /** ASFF `Resources[].Type` values. */
  findingResourceTypes: readonly string[];
  /** The ARN of the resource a CloudTrail event acted on, or undefined when the event names none. */
  arnFromCloudTrail(detail: CloudTrailDetail): string | undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

export const RESOURCE_KINDS: readonly ResourceKind[] = [
  {
    type: 'sqs-queue',
    eventBridgeSource: 'aws.sqs',
    cloudTrailEventSource: 'sqs.amazonaws.com',
    triggerEvents: ['CreateQueue', 'SetQueueAttributes', 'AddPermission', 'RemovePermission', 'TagQueue', 'UntagQueue'],
    findingResourceTypes: ['AwsSqsQueue'],
    arnFromCloudTrail(d) {
      const url = str(d.requestParameters?.queueUrl) ?? str(d.responseElements?.queueUrl);
      return url ? queueArnFromUrl(url, d.awsRegion) : undefined;
    },
  },
  {
    type: 'sns-topic',
    eventBridgeSource: 'aws.sns',
    cloudTrailEventSource: 'sns.amazonaws.com',
    triggerEvents: ['CreateTopic', 'SetTopicAttributes', 'AddPermission', 'RemovePermission', 'Subscribe', 'TagResource', 'UntagResource'],
    findingResourceTypes: ['AwsSnsTopic'],
    arnFromCloudTrail(d) {
      // CreateTopic answers with the ARN; the others name it (tagging calls as resourceArn).
      return str(d.requestParameters?.topicArn) ?? str(d.requestParameters?.resourceArn) ?? str(d.responseElements?.topicArn);
    },
  },
  {
    type: 'mq-broker',
    eventBridgeSource: 'aws.amazonmq',
    cloudTrailEventSource: 'amazonmq.amazonaws.com',
    triggerEvents: ['CreateBroker', 'UpdateBroker', 'CreateTags', 'DeleteTags'],
    // ASFF spells it AwsAmazonMQBroker; the Security Hub API's details key is AwsAmazonMqBroker.
    findingResourceTypes: ['AwsAmazonMQBroker', 'AwsAmazonMqBroker'],
    arnFromCloudTrail(d) {
      // CreateBroker answers with brokerArn; tagging calls name resourceArn (a broker's or a
      // configuration's); UpdateBroker names only the brokerId.
      const arn = str(d.responseElements?.brokerArn) ?? str(d.requestParameters?.resourceArn);
      if (arn) return /:broker:/.test(arn) ? arn : undefined;
      const id = str(d.requestParameters?.brokerId) ?? str(d.responseElements?.brokerId);
      const account = d.recipientAccountId ?? d.userIdentity?.accountId;
      return id && account ? mqBrokerArn(d.awsRegion, account, id) : undefined;
    },
  },
];

export function kindOf(type: ResourceType): ResourceKind | undefined {
  return RESOURCE_KINDS.find((k) => k.type === type);
}

export function kindForEventSource(eventSource: string): ResourceKind | undefined {
  return RESOURCE_KINDS.find((k) => k.cloudTrailEventSource === eventSource);
}

export { partitionOf };
