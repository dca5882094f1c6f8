import { expect, it } from 'vitest';
import { defaultConfig, parseEvent, route, routeRunbook, type WorkItem } from '@fixbridge/core';
import { findingEvent } from '../support/sns-mq';
import { offline } from '../support/projects';

const config = defaultConfig();
const ids = (items: WorkItem[]) => items.map((i) => i.remediation?.id ?? null);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts';
const BROKER_ID = 'b-7f3c2a1e-9d4b-4c8a-b6e5-1a2b3c4d5e6f';
const BROKER = { id: BROKER_ID, arn: `arn:aws:mq:us-east-1:123456789012:broker:orders-broker:${BROKER_ID}` };

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
