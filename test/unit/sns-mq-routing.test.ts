import { expect, it } from 'vitest';
import { defaultConfig, parseArn, parseEvent, remediationsForType, route, routeRunbook, type WorkItem } from '@fixbridge/core';
import { fixture } from '../support/fixtures';
import { findingEvent, mqCloudTrailEvent, snsCloudTrailEvent } from '../support/sns-mq';
import { offline } from '../support/projects';

const config = defaultConfig();
const ids = (items: WorkItem[]) => items.map((i) => i.remediation?.id ?? null);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts';
const BROKER_ID = 'b-7f3c2a1e-9d4b-4c8a-b6e5-1a2b3c4d5e6f';
const BROKER = { id: BROKER_ID, arn: `arn:aws:mq:us-east-1:123456789012:broker:orders-broker:${BROKER_ID}` };
const SNS_IDS = remediationsForType('sns-topic').map((r) => r.id);
const MQ_IDS = remediationsForType('mq-broker').map((r) => r.id);

offline('ARNs of MQ brokers', () => {
  it.each<[string, string]>([
    ['the AWS form broker:<name>:<id>', BROKER.arn],
    ['the id-only form broker:<id>', `arn:aws:mq:us-east-1:123456789012:broker:${BROKER_ID}`],
    ['the emulator’s id-only form with its short ids', 'arn:aws:mq:us-east-1:123456789012:broker:e4f904'],
  ])('parses %s, keeping the broker id as the name', (_n, arn) => {
    expect(parseArn(arn)).toMatchObject({ type: 'mq-broker', name: arn.split(':').pop(), accountId: '123456789012', region: 'us-east-1' });
  });

  it.each(['arn:aws:mq:us-east-1:123456789012:broker:orders-broker', 'arn:aws:mq:us-east-1:123456789012:configuration:c-1234', 'arn:aws:mq:us-east-1:123456789012:broker:a:b:b-12'])('rejects %s', (arn) => {
    expect(() => parseArn(arn)).toThrow(/malformed ARN/);
  });
});

offline('route: SNS CloudTrail', () => {
  it('reads every SNS fixture and sends it to every SNS remediation', () => {
    for (const name of ['CreateTopic', 'SetTopicAttributes', 'AddPermission', 'RemovePermission', 'Subscribe', 'TagResource', 'UntagResource']) {
      const items = route(parseEvent(snsCloudTrailEvent(TOPIC, name)), config);
      expect(ids(items)).toEqual(SNS_IDS);
      expect(items.every((i) => i.resourceArn === TOPIC && !i.skip)).toBe(true);
    }
  });

  it('takes the ARN from the real fixtures as they are', () => {
    for (const f of ['cloudtrail-sns-create-topic.json', 'cloudtrail-sns-set-topic-attributes.json', 'cloudtrail-sns-tag-resource.json']) {
      expect(route(parseEvent(fixture(f)), config).map((i) => i.resourceArn)).toEqual(SNS_IDS.map(() => TOPIC));
    }
  });

  it('skips an SNS call that changes nothing', () => {
    expect(route(parseEvent(snsCloudTrailEvent(TOPIC, 'Publish')), config)[0]?.skip).toMatch(/Publish does not change the compliance of an SNS topic/);
  });
});

offline('route: Amazon MQ CloudTrail (eventSource amazonmq.amazonaws.com)', () => {
  it.each<['CreateBroker' | 'CreateTags', string]>([
    ['CreateBroker', 'responseElements.brokerArn'],
    ['CreateTags', 'requestParameters.resourceArn'],
  ])('%s: the broker ARN comes from %s', (name) => {
    const items = route(parseEvent(mqCloudTrailEvent(BROKER, name)), config);
    expect(ids(items)).toEqual(MQ_IDS);
    expect(items.every((i) => i.resourceArn === BROKER.arn && i.ref?.name === BROKER_ID && !i.skip)).toBe(true);
  });

  it('UpdateBroker names only the broker id: the ARN is built from it and the account', () => {
    const items = route(parseEvent(fixture('cloudtrail-mq-update-broker.json')), config);
    expect(items.every((i) => i.resourceArn === `arn:aws:mq:us-east-1:123456789012:broker:${BROKER_ID}` && i.ref?.name === BROKER_ID)).toBe(true);
    expect(items).toHaveLength(MQ_IDS.length);
  });

  it('skips tagging of a configuration (not a broker) instead of failing', () => {
    const e = mqCloudTrailEvent(BROKER, 'CreateTags');
    e.detail.requestParameters.resourceArn = 'arn:aws:mq:us-east-1:123456789012:configuration:c-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
    expect(route(parseEvent(e), config)).toEqual([expect.objectContaining({ remediation: null, skip: expect.stringMatching(/names no Amazon MQ broker/) })]);
  });

  it('skips a failed call and the engine’s own call', () => {
    const failed = mqCloudTrailEvent(BROKER);
    failed.detail.errorCode = 'BadRequestException';
    expect(route(parseEvent(failed), config).every((i) => i.skip?.includes('BadRequestException'))).toBe(true);
    const own = mqCloudTrailEvent(BROKER);
    own.detail.userAgent = 'aws-sdk-js/3.700.0 api/mq#3.700.0 fixbridge/0.1.0';
    expect(route(parseEvent(own), config).every((i) => i.skip?.includes('fixbridge itself'))).toBe(true);
  });
});

offline('route: Security Hub findings for SNS and MQ', () => {
  it.each<[string, string, string[]]>([
    [TOPIC, 'SNS.1', ['sns-encrypt-at-rest']],
    [TOPIC, 'SNS.3', ['sns-required-tags']],
    [TOPIC, 'SNS.4', ['sns-block-public-access']],
    [BROKER.arn, 'MQ.2', ['mq-enable-logging']],
    [BROKER.arn, 'MQ.3', ['mq-auto-minor-version-upgrade']],
    [BROKER.arn, 'MQ.4', ['mq-required-tags']],
    [BROKER.arn, 'MQ.5', ['mq-active-standby']],
    [BROKER.arn, 'MQ.6', ['mq-rabbit-cluster']],
  ])('%s %s → %s', (arn, control, expected) => {
    const items = route(parseEvent(findingEvent(arn, control)), config);
    expect(ids(items)).toEqual(expected);
    expect(items[0]).toMatchObject({ resourceArn: arn });
    expect(items[0]?.skip).toBeUndefined();
  });

  it('accepts both spellings of the MQ resource type', () => {
    const e = findingEvent(BROKER.arn, 'MQ.2');
    e.detail.findings[0].Resources[0].Type = 'AwsAmazonMqBroker';
    expect(route(parseEvent(e), config)[0]?.skip).toBeUndefined();
  });

  it('does not route the seed’s own MQ numbering: the real MQ.1 is not a control any remediation claims', () => {
    expect(ids(route(parseEvent(findingEvent(BROKER.arn, 'MQ.1')), config))).toEqual([null]);
  });
});

offline('route: runbook by control id', () => {
  it.each<[string, string, string[]]>([
    ['Qualys:438', TOPIC, ['sns-deny-http-subscriptions']],
    ['Qualys:183', TOPIC, ['sns-block-public-access']],
    ['Qualys:315', 'arn:aws:mq:us-east-1:123456789012:broker:e4f904', ['mq-no-public-access']],
  ])('%s', (control, arn, expected) => {
    expect(ids(routeRunbook(control, arn))).toEqual(expected);
  });
});
