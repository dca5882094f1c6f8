/** The daily sweep: every listed resource of every kind becomes work items, the unnamable ones skipped. */
import { ListBrokersCommand, MqClient } from '@aws-sdk/client-mq';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, expect, it } from 'vitest';
import { createClients } from '@fixbridge/core';
import { sweepItems } from '@fixbridge/core/hub';
import { offline } from '../../support/projects';
import { QUEUE_ARN as ARN } from '../../support/states';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

offline('sweep', () => {
  const mocks = [mockClient(SQSClient), mockClient(SNSClient), mockClient(MqClient)] as const;
  afterAll(() => mocks.forEach((m) => m.restore()));

  it('skips a listed resource it cannot name, and sweeps the rest', async () => {
    const [sqs, sns, mq] = mocks;
    sqs.on(ListQueuesCommand).resolves({ QueueUrls: ['https://sqs.us-east-1.amazonaws.com/not-an-account/odd', 'https://sqs.us-east-1.amazonaws.com/123456789012/orders'] });
    sns.on(ListTopicsCommand).resolves({ Topics: [{ TopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts' }, { TopicArn: 'arn:aws:sns:us-east-1:123456789012:odd:sub' }] });
    mq.on(ListBrokersCommand).resolves({ BrokerSummaries: [] });
    const items = await sweepItems(createClients({ region: 'us-east-1' }), 'sched-1');
    const skipped = items.filter((i) => i.skip);
    expect(skipped.map((i) => [i.resourceArn, i.remediation, i.ref])).toEqual([
      ['https://sqs.us-east-1.amazonaws.com/not-an-account/odd', null, undefined],
      ['arn:aws:sns:us-east-1:123456789012:odd:sub', null, undefined],
    ]);
    expect(skipped[0]!.skip).toMatch(/^the sweep listed an SQS queue fixbridge cannot name: malformed queue URL/);
    expect(new Set(items.filter((i) => !i.skip).map((i) => i.resourceArn))).toEqual(new Set([ARN, 'arn:aws:sns:us-east-1:123456789012:alerts']));
    expect(items.every((i) => i.trigger.kind === 'sweep' && i.trigger.eventId === 'sched-1')).toBe(true);
  });
});
