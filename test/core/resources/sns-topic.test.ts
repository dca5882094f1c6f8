/**
 * SNS topics: their ARNs, how CloudTrail events name them, and one event running every SNS
 * remediation against the emulator.
 */
import { expect, it } from 'vitest';
import { defaultConfig, parseArn, parseEvent, remediationsForType, route, type PolicyDocument, type WorkItem } from '@fixbridge/core';
import { ACCOUNT, cliRecorded, REGION, tempFile } from '../../support/aws';
import { fixture } from '../../support/fixtures';
import { offline, onEmulator } from '../../support/projects';
import { createTopic, snsCloudTrailEvent, topicAttributes, writesIn } from '../../support/sns-mq';

const config = defaultConfig();
const ids = (items: WorkItem[]) => items.map((i) => i.remediation?.id ?? null);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts';
const SNS_IDS = remediationsForType('sns-topic').map((r) => r.id);

const policyOf = async (arn: string): Promise<PolicyDocument> => JSON.parse((await topicAttributes(arn)).Policy!);
const eventFile = (event: object) => tempFile('event.json', event);

offline('ARNs of SNS topics', () => {
  it.each(['alerts', 'alerts.fifo'])('parses the topic %s, keeping its name', (name) => {
    const arn = `arn:aws:sns:us-east-1:123456789012:${name}`;
    expect(parseArn(arn)).toEqual({ type: 'sns-topic', arn, partition: 'aws', region: 'us-east-1', accountId: '123456789012', name });
  });

  it('rejects a subscription ARN, saying so', () => {
    expect(() => parseArn('arn:aws:sns:us-east-1:123456789012:alerts:1f2e3d4c-5b6a-4789-8a9b-0c1d2e3f4a5b')).toThrow(/is not a valid SNS topic name \(subscription ARNs are not supported\)$/);
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

onEmulator('SNS CloudTrail events', () => {
  it('one SetTopicAttributes event runs every SNS remediation, each to its own status', async () => {
    const t = await createTopic('ct');
    const run = await cliRecorded(['handle', '--event', eventFile(snsCloudTrailEvent(t.arn)), '--mode', 'auto']);
    const status = Object.fromEntries(run.results.map((r) => [r.remediation, r.status]));
    expect(status).toEqual({
      'sns-encrypt-at-rest': 'blocked',
      'sns-require-tls': 'applied',
      'sns-deny-http-subscriptions': 'applied',
      'sns-block-public-access': 'compliant',
      'sns-required-tags': 'skipped',
    });
    expect(run.results.every((r) => r.resourceArn === t.arn)).toBe(true);
    expect(writesIn(run.calls)).toEqual(['SetTopicAttributesCommand', 'SetTopicAttributesCommand']);
    expect((await policyOf(t.arn)).Statement).toHaveLength(3);
  });

  it('a CreateTopic event in dry-run changes nothing', async () => {
    const t = await createTopic('ct-dry');
    const stored = await topicAttributes(t.arn);
    const run = await cliRecorded(['handle', '--event', eventFile(snsCloudTrailEvent(t.arn, 'CreateTopic'))]);
    expect(run.results.filter((r) => r.status === 'planned').map((r) => r.remediation)).toEqual(['sns-require-tls', 'sns-deny-http-subscriptions']);
    expect(writesIn(run.calls)).toEqual([]);
    expect(await topicAttributes(t.arn)).toEqual(stored);
  });

  it('skips what an exempt topic (fixbridge:exempt=true) would need, reports what is compliant, and writes nothing', async () => {
    const t = await createTopic('ct-exempt', { tags: { 'fixbridge:exempt': 'true' } });
    const run = await cliRecorded(['handle', '--event', eventFile(snsCloudTrailEvent(t.arn, 'TagResource')), '--mode', 'auto']);
    expect(Object.fromEntries(run.results.map((r) => [r.remediation, r.status === 'skipped' && r.reason.includes('exempt') ? 'exempt' : r.status]))).toEqual({
      'sns-encrypt-at-rest': 'exempt',
      'sns-require-tls': 'exempt',
      'sns-deny-http-subscriptions': 'exempt',
      // The default topic policy is not public: compliant, exempt or not.
      'sns-block-public-access': 'compliant',
      'sns-required-tags': 'skipped',
    });
    expect(writesIn(run.calls)).toEqual([]);
  });

  it('a topic deleted since the event is skipped; a runbook on a missing topic fails with the ARN', async () => {
    const gone = `arn:aws:sns:${REGION}:${ACCOUNT}:never-created-topic`;
    const event = await cliRecorded(['handle', '--event', eventFile(snsCloudTrailEvent(gone)), '--mode', 'auto']);
    expect(event.results.every((r) => r.status === 'skipped' && r.reason.includes('does not exist'))).toBe(true);
    const runbook = await cliRecorded(['run', 'sns-require-tls', '--resource', gone]);
    expect(runbook.code).toBe(1);
    expect(runbook.results[0]).toMatchObject({ status: 'failed', reason: expect.stringContaining(gone) });
  });
});
