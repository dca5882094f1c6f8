/** sns-encrypt-at-rest (SNS.1, Qualys 518): its evaluate table, and end to end against the emulator (the publishers a key must let in). */
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { DisableKeyCommand } from '@aws-sdk/client-kms';
import { expect, it } from 'vitest';
import type { KeyInfo, SnsTopicState } from '@fixbridge/core';
import { snsEncryptAtRest, topicPublishers } from '../../../packages/core/src/remediations/sns-encrypt-at-rest';
import { cliRecorded, createKey, keyPolicy, REGION, seedClients, tempFile } from '../../support/aws';
import { offline, onEmulator } from '../../support/projects';
import { createTopic, defaultTopicStatement, findingEvent, keyInfo, servicePublisher, topicAttributes, writesIn } from '../../support/sns-mq';
import { DEFAULT_TOPIC_STATEMENT as DEFAULT, planOf, SETTINGS as settings, TOPIC_ARN as ARN, topicState as topic } from '../../support/states';

const eventFile = (event: object) => tempFile('event.json', event);

const key = (over: Partial<KeyInfo> = {}) => keyInfo({ requested: 'alias/topics', ...over });
const lettingIn = (service: string) => key({ policy: { Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'] }] } });

offline('sns-encrypt-at-rest: publishers the topic policy does not name', () => {
  const cfg = { kmsKeyId: 'alias/topics' };
  it.each<[string, { names: string[]; truncated: boolean } | undefined, string[]]>([
    ['no alarm read', undefined, []],
    ['no alarm publishes', { names: [], truncated: false }, []],
    ['an alarm publishes', { names: ['queue-age'], truncated: false }, ['cloudwatch.amazonaws.com']],
    ['too many alarms to read them all', { names: [], truncated: true }, ['cloudwatch.amazonaws.com']],
  ])('%s → %j', (_n, alarms, expected) => {
    expect(topicPublishers(topic(), alarms)).toEqual(expected);
  });

  it('blocks a key that CloudWatch cannot use when an alarm publishes, naming the alarm', () => {
    const a = snsEncryptAtRest.evaluate({ topic: topic(), target: lettingIn('events.amazonaws.com'), alarms: { names: ['queue-age'], truncated: false } }, cfg, settings);
    expect(a).toMatchObject({ kind: 'blocked', reason: expect.stringMatching(/cloudwatch\.amazonaws\.com .*CloudWatch alarms publish to this topic: queue-age/) });
    expect(snsEncryptAtRest.evaluate({ topic: topic(), target: lettingIn('cloudwatch.amazonaws.com'), alarms: { names: ['queue-age'], truncated: false } }, cfg, settings).kind).toBe('plan');
  });
});

offline('sns-encrypt-at-rest', () => {
  const noKey = snsEncryptAtRest.optionsSchema.parse({});
  const withKey = snsEncryptAtRest.optionsSchema.parse({ kmsKeyId: 'alias/topics' });

  it('without kmsKeyId: an unencrypted topic is blocked, naming the setting and why alias/aws/sns is no default', () => {
    const a = snsEncryptAtRest.evaluate({ topic: topic() }, noKey, settings);
    expect(a.kind).toBe('blocked');
    expect(a.reason).toMatch(/remediations\.sns-encrypt-at-rest\.kmsKeyId/);
    expect(a.reason).toMatch(/alias\/aws\/sns is never a default/);
  });

  it.each<[string, string, string]>([
    ['a customer key is compliant', 'arn:aws:kms:us-east-1:123456789012:key/k-9', 'compliant'],
    ['the AWS-managed key is blocked (Qualys 518 wants a customer key)', 'alias/aws/sns', 'blocked'],
  ])('without kmsKeyId: %s', (_n, current, kind) => {
    expect(snsEncryptAtRest.evaluate({ topic: topic(undefined, { KmsMasterKeyId: current }) }, noKey, settings).kind).toBe(kind);
  });

  it('with kmsKeyId: already on that key is compliant (by text or by resolved key id)', () => {
    expect(snsEncryptAtRest.evaluate({ topic: topic(undefined, { KmsMasterKeyId: 'alias/topics' }), target: key() }, withKey, settings).kind).toBe('compliant');
    const current = key({ requested: 'arn:aws:kms:us-east-1:123456789012:key/k-1' });
    expect(snsEncryptAtRest.evaluate({ topic: topic(undefined, { KmsMasterKeyId: current.requested }), target: key(), current }, withKey, settings).kind).toBe('compliant');
  });

  it('plans the key, recording before and after', () => {
    const a = planOf(snsEncryptAtRest.evaluate({ topic: topic(), target: key() }, withKey, settings));
    expect(a.changes).toEqual([expect.objectContaining({ field: 'KmsMasterKeyId', before: null, after: 'alias/topics' })]);
    expect(a.ops).toEqual([{ kind: 'set-attribute', topicArn: ARN, name: 'KmsMasterKeyId', value: 'alias/topics' }]);
    const from = planOf(snsEncryptAtRest.evaluate({ topic: topic(undefined, { KmsMasterKeyId: 'alias/aws/sns' }), target: key(), current: key({ requested: 'alias/aws/sns', keyId: 'k-aws' }) }, withKey, settings));
    expect(from.changes[0]).toMatchObject({ before: 'alias/aws/sns', after: 'alias/topics' });
  });

  it('lets a service publisher through when the key policy allows it', () => {
    const t = topic([DEFAULT, servicePublisher(ARN, 'cloudwatch.amazonaws.com')]);
    expect(snsEncryptAtRest.evaluate({ topic: t, target: lettingIn('cloudwatch.amazonaws.com') }, withKey, settings).kind).toBe('plan');
  });

  it.each<[string, SnsTopicState, KeyInfo, RegExp]>([
    ['an EventBridge publisher the key policy does not let in', topic([DEFAULT, servicePublisher(ARN)]), key(), /does not allow events\.amazonaws\.com to call kms:GenerateDataKey and kms:Decrypt/],
    ['an S3 publisher written as SNS:Publish in a list', topic([{ ...servicePublisher(ARN, 's3.amazonaws.com'), Action: ['SNS:Publish'] }]), lettingIn('events.amazonaws.com'), /s3\.amazonaws\.com/],
    ['a disabled key', topic(), key({ keyState: 'Disabled' }), /is Disabled; it must be Enabled/],
    ['a key pending deletion', topic(), key({ keyState: 'PendingDeletion' }), /pending deletion/],
    ['a missing key', topic(), key({ found: false }), /was not found/],
  ])('blocks: %s', (_n, t, target, reason) => {
    const a = snsEncryptAtRest.evaluate({ topic: t, target }, withKey, settings);
    expect(a.kind).toBe('blocked');
    expect(a.reason).toMatch(reason);
  });

  it('blocks alias/aws/sns configured explicitly when a service publishes to the topic', () => {
    const cfg = snsEncryptAtRest.optionsSchema.parse({ kmsKeyId: 'alias/aws/sns' });
    const managed = key({ requested: 'alias/aws/sns', keyManager: 'AWS', policy: null });
    expect(snsEncryptAtRest.evaluate({ topic: topic([DEFAULT, servicePublisher(ARN)]), target: managed }, cfg, settings)).toMatchObject({ kind: 'blocked', reason: expect.stringMatching(/alias\/aws\/sns .*events\.amazonaws\.com/) });
    expect(snsEncryptAtRest.evaluate({ topic: topic(), target: managed }, cfg, settings).kind).toBe('plan');
  });

  it('rejects settings it does not know', () => {
    expect(snsEncryptAtRest.optionsSchema.safeParse({ kmsDataKeyReusePeriodSeconds: 300 }).success).toBe(false);
  });
});

onEmulator('sns-encrypt-at-rest', () => {
  const config = (kmsKeyId: string) => tempFile('config.json', { remediations: { 'sns-encrypt-at-rest': { kmsKeyId } } });

  it('is blocked without a configured key, naming the kmsKeyId setting (from a Security Hub SNS.1 finding)', async () => {
    const t = await createTopic('sse-nokey');
    const run = await cliRecorded(['handle', '--event', eventFile(findingEvent(t.arn, 'SNS.1')), '--mode', 'auto']);
    expect(run.results).toEqual([expect.objectContaining({ remediation: 'sns-encrypt-at-rest', status: 'blocked', reason: expect.stringContaining('remediations.sns-encrypt-at-rest.kmsKeyId') })]);
    expect(writesIn(run.calls)).toEqual([]);
    expect((await topicAttributes(t.arn)).KmsMasterKeyId).toBeUndefined();
  });

  it('is blocked when the key policy does not let a service publisher (EventBridge) in', async () => {
    const key = await createKey(keyPolicy(['cloudwatch.amazonaws.com']));
    const t = await createTopic('sse-producer', { statements: (arn) => [defaultTopicStatement(arn), servicePublisher(arn)] });
    const run = await cliRecorded(['run', 'sns-encrypt-at-rest', '--resource', t.arn, '--config', config(key.arn), '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'blocked', reason: expect.stringMatching(/does not allow events\.amazonaws\.com to call kms:GenerateDataKey and kms:Decrypt/) });
    expect(writesIn(run.calls)).toEqual([]);
    expect((await topicAttributes(t.arn)).KmsMasterKeyId).toBeUndefined();
  });

  it('is blocked when a CloudWatch alarm publishes through the default policy and the key does not let CloudWatch in', async () => {
    const key = await createKey(keyPolicy(['events.amazonaws.com']));
    const t = await createTopic('sse-alarm');
    const alarm = `fixbridge-test-${t.name}`;
    await new CloudWatchClient({ region: REGION }).send(
      new PutMetricAlarmCommand({ AlarmName: alarm, MetricName: 'ApproximateAgeOfOldestMessage', Namespace: 'AWS/SQS', Statistic: 'Maximum', Period: 60, EvaluationPeriods: 1, Threshold: 300, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [t.arn] }),
    );
    const run = await cliRecorded(['run', 'sns-encrypt-at-rest', '--resource', t.arn, '--config', config(key.arn), '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'blocked', reason: expect.stringMatching(new RegExp(`cloudwatch\\.amazonaws\\.com to call kms:GenerateDataKey.*CloudWatch alarms publish to this topic: ${alarm}`)) });
    expect(writesIn(run.calls)).toEqual([]);

    const allowing = await createKey(keyPolicy(['cloudwatch.amazonaws.com']));
    const fixed = await cliRecorded(['run', 'sns-encrypt-at-rest', '--resource', t.arn, '--config', config(allowing.arn), '--mode', 'auto']);
    expect(fixed.results[0]?.status).toBe('applied');
  });

  it('is blocked on a disabled key', async () => {
    const key = await createKey(keyPolicy());
    await seedClients().kms.send(new DisableKeyCommand({ KeyId: key.keyId }));
    const t = await createTopic('sse-disabled');
    const run = await cliRecorded(['run', 'sns-encrypt-at-rest', '--resource', t.arn, '--config', config(key.arn), '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'blocked', reason: expect.stringContaining('is Disabled') });
  });

  it('encrypts with the configured key when the key policy lets the publisher in; dry-run and approval write nothing', async () => {
    const key = await createKey(keyPolicy(['events.amazonaws.com']));
    const t = await createTopic('sse-ok', { statements: (arn) => [defaultTopicStatement(arn), servicePublisher(arn)] });
    const publishers = (await topicAttributes(t.arn)).Policy;

    for (const mode of ['dry-run', 'approval'] as const) {
      const run = await cliRecorded(['run', 'SNS.1', '--resource', t.arn, '--config', config(key.arn), '--mode', mode]);
      expect(run.results[0]).toMatchObject({ status: mode === 'dry-run' ? 'planned' : 'awaiting-approval', changes: [{ field: 'KmsMasterKeyId', before: null, after: key.arn }] });
      expect(writesIn(run.calls)).toEqual([]);
    }
    expect((await topicAttributes(t.arn)).KmsMasterKeyId).toBeUndefined();

    const auto = await cliRecorded(['run', 'SNS.1', '--resource', t.arn, '--config', config(key.arn), '--mode', 'auto']);
    expect(auto.results[0]).toMatchObject({ status: 'applied' });
    expect(await topicAttributes(t.arn)).toMatchObject({ KmsMasterKeyId: key.arn, Policy: publishers });
    const again = await cliRecorded(['run', 'SNS.1', '--resource', t.arn, '--config', config(key.arn), '--mode', 'auto']);
    expect(again.results[0]?.status).toBe('compliant');
    expect(writesIn(again.calls)).toEqual([]);
  });
});
