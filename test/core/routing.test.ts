/**
 * route: CloudTrail events, Security Hub findings and runbook requests → work items. How each
 * kind's CloudTrail events name its resources is with the kind (test/core/resources).
 */
import { expect, it } from 'vitest';
import { defaultConfig, parseConfig, parseEvent, remediationsForType, route, routeRunbook, type WorkItem } from '@fixbridge/core';
import { fixture, sqsCloudTrailEvent, sqsFindingEvent } from '../support/fixtures';
import { offline } from '../support/projects';
import { findingEvent } from '../support/sns-mq';

const config = defaultConfig();
const ids = (items: WorkItem[]) => items.map((i) => i.remediation?.id ?? null);
const SQS_IDS = remediationsForType('sqs-queue').map((r) => r.id);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts';
const BROKER_ID = 'b-7f3c2a1e-9d4b-4c8a-b6e5-1a2b3c4d5e6f';
const BROKER = { id: BROKER_ID, arn: `arn:aws:mq:us-east-1:123456789012:broker:orders-broker:${BROKER_ID}` };

offline('route: CloudTrail', () => {
  it('skips (never drops) an event name that changes nothing', () => {
    const items = route(parseEvent(sqsCloudTrailEvent('orders', 'PurgeQueue')), config);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ remediation: null, skip: expect.stringMatching(/PurgeQueue does not change/) });
  });

  it('skips failed calls for each remediation, naming the error', () => {
    const e = sqsCloudTrailEvent('orders');
    e.detail.errorCode = 'AccessDenied';
    const items = route(parseEvent(e), config);
    expect(ids(items)).toEqual(SQS_IDS);
    expect(items.every((i) => i.skip?.includes('AccessDenied'))).toBe(true);
  });

  it('skips the engine’s own calls by user agent', () => {
    const e = sqsCloudTrailEvent('orders');
    e.detail.userAgent = 'aws-sdk-js/3.700.0 ua/2.1 os/linux lang/js md/nodejs#20 api/sqs#3.700.0 fixbridge/0.1.0';
    expect(route(parseEvent(e), config).every((i) => i.skip?.includes('fixbridge itself'))).toBe(true);
  });

  it('skips the engine’s own calls by role (assumed-role session or session issuer)', () => {
    const e = sqsCloudTrailEvent('orders');
    e.detail.userIdentity = { type: 'AssumedRole', arn: 'arn:aws:sts::123456789012:assumed-role/fixbridge-worker/abc' };
    const cfg = parseConfig({ engineRoleArn: 'arn:aws:iam::123456789012:role/fixbridge-worker' });
    expect(route(parseEvent(e), cfg).every((i) => i.skip?.includes('engine role'))).toBe(true);
    expect(route(parseEvent(e), config).some((i) => i.skip)).toBe(false);
  });
});

offline('route: Security Hub', () => {
  it('routes by Compliance.SecurityControlId', () => {
    expect(ids(route(parseEvent(sqsFindingEvent('orders', 'SQS.1')), config))).toEqual(['sqs-encrypt-at-rest']);
    expect(ids(route(parseEvent(sqsFindingEvent('orders', 'SQS.3')), config))).toEqual(['sqs-block-public-access']);
  });

  it('falls back to the GeneratorId when there is no SecurityControlId', () => {
    const e = sqsFindingEvent('orders');
    delete e.detail.findings[0].Compliance.SecurityControlId;
    e.detail.findings[0].GeneratorId = 'aws-foundational-security-best-practices/v/1.0.0/SQS.3';
    expect(ids(route(parseEvent(e), config))).toEqual(['sqs-block-public-access']);
  });

  it('skips a control nobody handles, keeping the resource', () => {
    const items = route(parseEvent(sqsFindingEvent('orders', 'EC2.19')), config);
    expect(items).toEqual([expect.objectContaining({ remediation: null, resourceArn: 'arn:aws:sqs:us-east-1:123456789012:orders', skip: expect.stringMatching(/EC2.19/) })]);
  });

  it.each<[string, (f: any) => void, RegExp]>([
    ['PASSED', (f) => (f.Compliance.Status = 'PASSED'), /compliance status is PASSED/],
    ['RESOLVED', (f) => (f.Workflow.Status = 'RESOLVED'), /workflow status is RESOLVED/],
    ['NOTIFIED', (f) => (f.Workflow.Status = 'NOTIFIED'), /workflow status is NOTIFIED, not NEW/],
    ['ARCHIVED', (f) => (f.RecordState = 'ARCHIVED'), /record state is ARCHIVED/],
  ])('skips a %s finding', (_n, mutate, reason) => {
    const e = sqsFindingEvent('orders');
    mutate(e.detail.findings[0]);
    expect(route(parseEvent(e), config)[0]?.skip).toMatch(reason);
  });

  it('lets a custom action act on a NOTIFIED finding; the plan action forces dry-run', () => {
    const e = fixture('securityhub-custom-action.json');
    const item = route(parseEvent(e), config)[0]!;
    expect(item.remediation?.id).toBe('sqs-encrypt-at-rest');
    expect(item.skip).toBeUndefined();
    expect(item.forcedMode).toBeUndefined();
    e.detail.actionName = 'Plan with fixbridge';
    e.resources = ['arn:aws:securityhub:us-east-1:123456789012:action/custom/FixbridgePlan'];
    expect(route(parseEvent(e), config)[0]?.forcedMode).toBe('dry-run');
  });
});

offline('route: runbook', () => {
  const arn = 'arn:aws:sqs:us-east-1:123456789012:orders';
  it('runs a remediation id or every remediation of a control', () => {
    expect(ids(routeRunbook('sqs-require-tls', arn))).toEqual(['sqs-require-tls']);
    expect(ids(routeRunbook('SQS.1', arn))).toEqual(['sqs-encrypt-at-rest']);
    expect(ids(routeRunbook('Qualys:452', arn))).toEqual(['sqs-require-tls']);
  });
  it.each<[string, string, RegExp]>([
    ['nope', arn, /unknown remediation or control "nope"/],
    ['sqs-require-tls', 'arn:aws:sqs:us-east-1:123:orders', /malformed ARN/],
    ['sqs-require-tls', 'not-an-arn', /malformed ARN "not-an-arn"/],
    ['sqs-require-tls', 'arn:aws:s3:::bucket', /malformed ARN/],
    ['sqs-require-tls', 'arn:aws:sns:us-east-1:123456789012:topic', /remediates SQS queue resources, but .* is an SNS topic/],
  ])('rejects %s on %s', (target, resource, message) => {
    expect(() => routeRunbook(target, resource)).toThrow(message);
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
