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

  // Issue 8, item 7: per-standard findings (consolidated control findings off).
  it.each<[string, (f: any) => void, (string | null)[]]>([
    ['an FSBP finding by GeneratorId', () => {}, ['sqs-encrypt-at-rest']],
    ['a NIST 800-53 finding by GeneratorId', (f) => (f.GeneratorId = 'nist-800-53/v/5.0.0/SQS.1'), ['sqs-encrypt-at-rest']],
    ['a tagging-standard finding', (f) => Object.assign(f, { GeneratorId: 'aws-resource-tagging-standard/v/1.0.0/SQS.2', ProductFields: {} }), ['sqs-required-tags']],
    ['by ProductFields.ControlId of an FSBP StandardsArn', (f) => (f.GeneratorId = 'some-generator'), ['sqs-encrypt-at-rest']],
    ['not a CIS rule ending like a control', (f) => Object.assign(f, { GeneratorId: 'cis-aws-foundations-benchmark/v/1.4.0/SQS.1', ProductFields: { StandardsArn: 'arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/1.4.0', ControlId: 'SQS.1' } }), [null]],
    ['not a PCI control (PCI.SQS.1 is not SQS.1)', (f) => Object.assign(f, { GeneratorId: 'pci-dss/v/3.2.1/PCI.SQS.1', ProductFields: { StandardsArn: 'arn:aws:securityhub:us-east-1::standards/pci-dss/v/3.2.1', ControlId: 'PCI.SQS.1' } }), [null]],
    ['not an unknown standard', (f) => Object.assign(f, { GeneratorId: 'acme-benchmark/v/1.0.0/SQS.1', ProductFields: {} }), [null]],
  ])('routes per-standard findings: %s', (_n, mutate, expected) => {
    const e = fixture('securityhub-imported-fsbp-sqs1.json');
    mutate(e.detail.findings[0]);
    const items = route(parseEvent(e), config);
    expect(ids(items)).toEqual(expected);
    if (expected[0] === null) expect(items[0]?.skip).toMatch(/names no Security Hub control of an AWS standard/);
  });

  // Item 8: the new Security Hub's OCSF findings.
  it('routes an OCSF finding (Findings Imported V2) by compliance.control, to the queue ARN, marked for the V2 write-back', () => {
    const items = route(parseEvent(fixture('securityhub-v2-imported-sqs1.json')), config);
    expect(items).toEqual([
      expect.objectContaining({
        remediation: expect.objectContaining({ id: 'sqs-encrypt-at-rest' }),
        resourceArn: 'arn:aws:sqs:us-east-1:123456789012:orders',
        trigger: expect.objectContaining({ kind: 'finding', findingId: '3f1e9a7c2b5d8e0f4a6c1b3d5e7f9a0c2b4d6e8f0a1c3e5f7b9d1a3c5e7f9b1d', productArn: 'arn:aws:securityhub:us-east-1::productv2/aws/securityhub', controlId: 'SQS.1', findingFormat: 'ocsf' }),
      }),
    ]);
    expect(items[0]?.skip).toBeUndefined();
  });

  it.each<[string, (f: any) => void, RegExp]>([
    ['written back (In Progress)', (f) => Object.assign(f, { status: 'In Progress', status_id: 2 }), /workflow status is IN_PROGRESS, not NEW/],
    ['passing', (f) => Object.assign(f.compliance, { status: 'Pass', status_id: 1 }), /compliance status is PASSED/],
    ['closed', (f) => Object.assign(f, { activity_id: 3 }), /record state is ARCHIVED/],
    ['of another product', (f) => (f.metadata.product.uid = 'arn:aws:securityhub:us-east-1::productv2/acme/scanner'), /names no Security Hub control/],
  ])('skips an OCSF finding %s', (_n, mutate, reason) => {
    const e = fixture('securityhub-v2-imported-sqs1.json');
    mutate(e.detail.findings[0]);
    expect(route(parseEvent(e), config)[0]?.skip).toMatch(reason);
  });

  // Item 9: only fixbridge's own custom actions act.
  it.each<[string, (e: any) => void]>([
    ['another tool’s action', (e) => Object.assign(e, { resources: ['arn:aws:securityhub:us-east-1:123456789012:action/custom/SendToJira'] }, { detail: { ...e.detail, actionName: 'Send to Jira' } })],
    ['another action named like fixbridge’s', (e) => (e.resources = ['arn:aws:securityhub:us-east-1:123456789012:action/custom/Remediate'])],
    ['an action whose id merely ends like fixbridge’s', (e) => (e.resources = ['arn:aws:securityhub:us-east-1:123456789012:action/custom/NotFixbridgeRemediate'])],
  ])('skips a finding sent to %s, naming it', (_n, mutate) => {
    const e = fixture('securityhub-custom-action.json');
    mutate(e);
    const items = route(parseEvent(e), config);
    expect(items).toEqual([expect.objectContaining({ remediation: null, skip: expect.stringMatching(/is not one of fixbridge's .*nothing was done/) })]);
    expect(items[0]?.forcedMode).toBeUndefined();
  });

  it('acts on fixbridge’s own actions by ARN, or by exact name when the event carries no ARN', () => {
    const e = fixture('securityhub-custom-action.json');
    expect(route(parseEvent(e), config)[0]?.skip).toBeUndefined();
    e.resources = [];
    expect(route(parseEvent(e), config)[0]?.skip).toBeUndefined();
    e.detail.actionName = 'Plan with fixbridge';
    expect(route(parseEvent(e), config)[0]).toMatchObject({ forcedMode: 'dry-run' });
    e.detail.actionName = 'Remediate with fixbridge (copy)';
    expect(route(parseEvent(e), config)[0]?.skip).toMatch(/not one of fixbridge's/);
  });

  // Item 10: insight results are matched and reported, not dropped.
  it('reports Security Hub Insight Results as not supported, with one skipped item naming the insight', () => {
    const items = route(parseEvent(fixture('securityhub-insight-results.json')), config);
    expect(items).toEqual([
      expect.objectContaining({ remediation: null, resourceArn: null, trigger: expect.objectContaining({ kind: 'custom-action' }), skip: expect.stringMatching(/insight results are not supported.*"Unencrypted SQS queues"/) }),
    ]);
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

offline('route: CloudTrail identifiers (issue 8, items 12 and 13)', () => {
  it.each(['javascript:alert(1)//123456789012/orders', 'not a url', 'https://evil.example.com/123456789012/orders', 'http://sqs.us-east-1.amazonaws.com/123456789012/orders'])(
    'skips the event naming the queue URL %s, instead of rejecting it',
    (url) => {
      const e = sqsCloudTrailEvent('orders');
      e.detail.requestParameters = { queueUrl: url };
      const items = route(parseEvent(e), config);
      expect(items).toEqual([expect.objectContaining({ remediation: null, skip: expect.stringMatching(/names a resource fixbridge cannot use: .*(not an SQS queue URL|malformed queue URL)/) })]);
    },
  );

  it('places an UpdateBroker that names only the broker id, without recipientAccountId, in the envelope’s account', () => {
    const e = fixture('cloudtrail-mq-update-broker.json');
    delete e.detail.recipientAccountId;
    delete e.detail.userIdentity;
    e.account = '111122223333';
    const items = route(parseEvent(e), config);
    expect(items.every((i) => !i.skip && i.resourceArn === `arn:aws:mq:${e.detail.awsRegion}:111122223333:broker:${e.detail.requestParameters.brokerId}`)).toBe(true);
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
