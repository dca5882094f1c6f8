/**
 * The list of resource kinds (resources/index.ts): parseArn sending an ARN to its kind by service,
 * resourceKey, and a walk of RESOURCE_KINDS checking every kind is complete enough to route, read,
 * list and restore — as the catalog walk does for remediations.
 */
import { describe, expect, it } from 'vitest';
import { CATALOG, parseArn, resourceKey, RESOURCE_KINDS } from '@fixbridge/core';
import { inputErrorOf } from '../../support/errors';
import { offline } from '../../support/projects';

const BROKER_ID = 'b-1234abcd-56ef-78ab-90cd-1234567890ab';

offline('parseArn', () => {
  it.each<[string, string, string]>([
    ['sqs-queue', 'arn:aws:sqs:us-east-1:123456789012:orders', 'orders'],
    ['sns-topic', 'arn:aws:sns:eu-west-1:123456789012:alerts', 'alerts'],
    ['mq-broker', `arn:aws:mq:us-east-1:123456789012:broker:orders:${BROKER_ID}`, BROKER_ID],
  ])('sends the ARN to its kind by service: %s', (type, arn, name) => {
    expect(parseArn(arn)).toMatchObject({ type, arn, name, accountId: '123456789012' });
  });

  it('rejects an ARN of another service, naming the services it handles', () => {
    expect(() => parseArn('arn:aws:s3:us-east-1:123456789012:bucket')).toThrow('unsupported ARN "arn:aws:s3:us-east-1:123456789012:bucket": fixbridge handles sqs, sns and mq resources, not "s3"');
  });

  it.each<[string, string, RegExp]>([
    ['not an ARN', 'not-an-arn', /^malformed ARN "not-an-arn": expected arn:<partition>:<service>:<region>:<12-digit account>:<resource>$/],
    ['an account that is not 12 digits', 'arn:aws:sqs:us-east-1:12345:q', /^malformed ARN .*: expected arn:/],
    ['a region that is no AWS region', 'arn:aws:sqs:moon-1:123456789012:q', /^malformed ARN .*: "moon-1" is not an AWS region$/],
  ])('rejects %s with a one-line InputError', (_n, arn, message) => {
    expect(inputErrorOf(() => parseArn(arn))).toMatch(message);
  });
});

offline('resourceKey', () => {
  it('is the ARN of a queue or a topic', () => {
    for (const arn of ['arn:aws:sqs:us-east-1:123456789012:orders', 'arn:aws:sns:us-east-1:123456789012:alerts']) expect(resourceKey(parseArn(arn))).toBe(arn);
  });

  it('is one key for both ARN forms of a broker', () => {
    const bare = parseArn(`arn:aws:mq:us-east-1:123456789012:broker:${BROKER_ID}`);
    expect(resourceKey(parseArn(`arn:aws:mq:us-east-1:123456789012:broker:orders:${BROKER_ID}`))).toBe(resourceKey(bare));
    expect(resourceKey(bare)).toBe(bare.arn);
  });
});

/** Walks the list of kinds: routing, the sweep, rollback, the deployed rules and IAM policies are all built from it. */
offline('RESOURCE_KINDS', () => {
  const unique = (values: string[]) => expect(new Set(values).size).toBe(values.length);

  it('gives every kind its own type, ARN service, CloudFormation type and CloudTrail event source', () => {
    unique(RESOURCE_KINDS.map((k) => k.type));
    unique(RESOURCE_KINDS.map((k) => k.service));
    unique(RESOURCE_KINDS.map((k) => k.cfnType));
    unique(RESOURCE_KINDS.map((k) => k.cloudTrail.eventSource));
  });

  it('holds the kind of every remediation in the catalog', () => {
    for (const r of CATALOG) expect(RESOURCE_KINDS).toContain(r.kind);
  });

  describe.each(RESOURCE_KINDS.map((k) => [k.type, k] as const))('%s', (_type, kind) => {
    it('has a label, a CloudFormation type and an ARN form of its service', () => {
      expect(kind.label.length).toBeGreaterThan(0);
      expect(kind.cfnType).toMatch(/^AWS::[A-Za-z]+::[A-Za-z]+$/);
      expect(kind.arnForm.startsWith(`arn:aws:${kind.service}:`)).toBe(true);
    });

    it('names the IAM actions its reads take, all of its own service', () => {
      expect(kind.reads.length).toBeGreaterThan(0);
      for (const action of kind.reads) expect(action).toMatch(new RegExp(`^${kind.service}:[A-Z][A-Za-z]+$`));
    });

    it('routes: CloudTrail trigger events (no duplicates) and Security Hub resource types', () => {
      expect(kind.cloudTrail.eventBridgeSource).toMatch(/^aws\.[a-z]+$/);
      expect(kind.cloudTrail.eventSource).toMatch(/^[a-z]+\.amazonaws\.com$/);
      expect(kind.cloudTrail.triggerEvents.length).toBeGreaterThan(0);
      unique([...kind.cloudTrail.triggerEvents]);
      expect(kind.findingResourceTypes.length).toBeGreaterThan(0);
      for (const type of kind.findingResourceTypes) expect(type).toMatch(/^Aws[A-Za-z]+$/);
    });

    it('lists with one IAM action of its service, and restores some settings', () => {
      expect(kind.list.permission).toMatch(new RegExp(`^${kind.service}:List[A-Za-z]+$`));
      expect(kind.list.all).toBeTypeOf('function');
      expect(kind.restorer.writable.size).toBeGreaterThan(0);
    });
  });
});
