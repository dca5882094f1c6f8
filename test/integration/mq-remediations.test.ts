/**
 * Amazon MQ CloudTrail events against the moto emulator: one event runs every MQ remediation. Each
 * remediation's own cases are in test/core/remediations.
 *
 * Emulator note: moto issues six-hex broker ids and ARNs without the broker name
 * (arn:aws:mq:<region>:<account>:broker:<id>).
 */
import { expect, it } from 'vitest';
import { cliRecorded, createKey, keyPolicy, tempFile } from '../support/aws';
import { onEmulator } from '../support/projects';
import { createBroker, describeBroker, mqCloudTrailEvent, writesIn } from '../support/sns-mq';

const eventFile = (event: object) => tempFile('event.json', event);

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

  it('skips an exempt broker (fixbridge:exempt=true) for every remediation', async () => {
    const b = await createBroker('ct-exempt', { Tags: { 'fixbridge:exempt': 'true' } });
    const run = await cliRecorded(['handle', '--event', eventFile(mqCloudTrailEvent(b, 'UpdateBroker')), '--mode', 'auto']);
    expect(run.results).toHaveLength(7);
    expect(run.results.every((r) => r.status === 'skipped' && r.reason.includes('exempt'))).toBe(true);
    expect(writesIn(run.calls)).toEqual([]);
  });

  it('a broker deleted since the event is skipped', async () => {
    const run = await cliRecorded(['handle', '--event', eventFile(mqCloudTrailEvent({ id: 'b-00000000-0000-4000-8000-000000000000', arn: '' }, 'UpdateBroker'))]);
    expect(run.results.every((r) => r.status === 'skipped' && r.reason.includes('does not exist'))).toBe(true);
  });
});
