/**
 * Amazon MQ brokers: both forms of their ARNs, how CloudTrail events name them (some by id only),
 * and one event running every MQ remediation against the emulator.
 *
 * Emulator note: moto issues six-hex broker ids and ARNs without the broker name
 * (arn:aws:mq:<region>:<account>:broker:<id>).
 */
import { expect, it } from 'vitest';
import { defaultConfig, parseArn, parseEvent, remediationsForType, route, type WorkItem } from '@fixbridge/core';
import { cliRecorded, createKey, keyPolicy, tempFile } from '../../support/aws';
import { fixture } from '../../support/fixtures';
import { offline, onEmulator } from '../../support/projects';
import { createBroker, describeBroker, mqCloudTrailEvent, writesIn } from '../../support/sns-mq';

const config = defaultConfig();
const ids = (items: WorkItem[]) => items.map((i) => i.remediation?.id ?? null);
const BROKER_ID = 'b-7f3c2a1e-9d4b-4c8a-b6e5-1a2b3c4d5e6f';
const BROKER = { id: BROKER_ID, arn: `arn:aws:mq:us-east-1:123456789012:broker:orders-broker:${BROKER_ID}` };
const MQ_IDS = remediationsForType('mq-broker').map((r) => r.id);

const eventFile = (event: object) => tempFile('event.json', event);

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

onEmulator('Amazon MQ CloudTrail events', () => {
  it('an UpdateBroker event (broker id only) runs every MQ remediation; results carry the real ARN', async () => {
    const b = await createBroker('ct', { PubliclyAccessible: true });
    const run = await cliRecorded(['handle', '--event', eventFile(mqCloudTrailEvent(b, 'UpdateBroker')), '--mode', 'auto']);
    expect(Object.fromEntries(run.results.map((r) => [r.remediation, r.status]))).toEqual({
      'mq-enable-logging': 'applied',
      'mq-auto-minor-version-upgrade': 'applied',
      'mq-no-public-access': 'not-remediable',
      'mq-active-standby': 'not-remediable',
      'mq-rabbit-cluster': 'skipped',
      'mq-encrypt-with-cmk': 'not-remediable',
      'mq-required-tags': 'skipped',
    });
    expect(run.results.every((r) => r.resourceArn === b.arn)).toBe(true);
    expect(writesIn(run.calls)).toEqual(['UpdateBrokerCommand', 'UpdateBrokerCommand']);
    expect(await describeBroker(b.id)).toMatchObject({ AutoMinorVersionUpgrade: true, Logs: { General: true, Audit: true } });
  });

  it('a CreateBroker event for a broker created compliant: compliant everywhere, no write', async () => {
    const key = await createKey(keyPolicy());
    const b = await createBroker('ct-good', {
      DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ',
      AutoMinorVersionUpgrade: true,
      Logs: { General: true, Audit: true },
      EncryptionOptions: { UseAwsOwnedKey: false, KmsKeyId: key.arn },
    });
    const run = await cliRecorded(['handle', '--event', eventFile(mqCloudTrailEvent(b, 'CreateBroker')), '--mode', 'auto']);
    const byStatus = (s: string) => run.results.filter((r) => r.status === s).map((r) => r.remediation);
    expect(byStatus('compliant')).toEqual(['mq-enable-logging', 'mq-auto-minor-version-upgrade', 'mq-no-public-access', 'mq-active-standby', 'mq-encrypt-with-cmk']);
    expect(byStatus('skipped')).toEqual(['mq-rabbit-cluster', 'mq-required-tags']);
    expect(writesIn(run.calls)).toEqual([]);
  });

  it('a CreateTags event in approval mode files the plans and changes nothing', async () => {
    const b = await createBroker('ct-approval');
    const before = await describeBroker(b.id);
    const run = await cliRecorded(['handle', '--event', eventFile(mqCloudTrailEvent(b, 'CreateTags')), '--mode', 'approval']);
    expect(run.results.filter((r) => r.status === 'awaiting-approval').map((r) => r.remediation)).toEqual(['mq-enable-logging', 'mq-auto-minor-version-upgrade']);
    expect(writesIn(run.calls)).toEqual([]);
    const after = await describeBroker(b.id);
    expect({ logs: after.Logs, amvu: after.AutoMinorVersionUpgrade }).toEqual({ logs: before.Logs, amvu: before.AutoMinorVersionUpgrade });
  });

  it('skips what an exempt broker (fixbridge:exempt=true) would need, reports what is compliant, and writes nothing', async () => {
    const b = await createBroker('ct-exempt', { Tags: { 'fixbridge:exempt': 'true' } });
    const run = await cliRecorded(['handle', '--event', eventFile(mqCloudTrailEvent(b, 'UpdateBroker')), '--mode', 'auto']);
    expect(Object.fromEntries(run.results.map((r) => [r.remediation, r.status === 'skipped' && r.reason.includes('exempt') ? 'exempt' : r.status]))).toEqual({
      'mq-enable-logging': 'exempt',
      'mq-auto-minor-version-upgrade': 'exempt',
      'mq-no-public-access': 'compliant',
      'mq-active-standby': 'exempt',
      'mq-rabbit-cluster': 'skipped',
      'mq-encrypt-with-cmk': 'exempt',
      'mq-required-tags': 'skipped',
    });
    expect(writesIn(run.calls)).toEqual([]);
  });

  it('a broker deleted since the event is skipped', async () => {
    const run = await cliRecorded(['handle', '--event', eventFile(mqCloudTrailEvent({ id: 'b-00000000-0000-4000-8000-000000000000', arn: '' }, 'UpdateBroker'))]);
    expect(run.results.every((r) => r.status === 'skipped' && r.reason.includes('does not exist'))).toBe(true);
  });
});
