/**
 * Every Amazon MQ remediation end to end against the moto emulator, through `fixbridge run` and
 * `fixbridge handle` (CloudTrail events and Security Hub findings), in all three modes, with the
 * broker read back through plain SDK clients.
 *
 * Emulator note: moto applies Logs at once (AWS keeps them in Logs.Pending until a reboot), issues
 * six-hex broker ids and ARNs without the broker name (arn:aws:mq:<region>:<account>:broker:<id>).
 */
import { DescribeBrokerCommand, MqClient } from '@aws-sdk/client-mq';
import { expect, it } from 'vitest';
import { cliRecorded, createKey, keyPolicy, tempFile } from '../support/aws';
import { createBroker, describeBroker, findingEvent, mqCloudTrailEvent, writesIn } from '../support/sns-mq';
import { onEmulator } from '../support/projects';

const eventFile = (event: object) => tempFile('event.json', event);

onEmulator('mq-enable-logging', () => {
  it('is blocked, with the fix, when no CloudWatch Logs resource policy lets Amazon MQ write its logs', async () => {
    const region = 'eu-west-3'; // a region where no test puts the MQ logs policy (moto state is shared)
    const b = await createBroker('nologs', {}, { region, withLogsPolicy: false });
    const run = await cliRecorded(['run', 'mq-enable-logging', '--resource', b.arn, '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'blocked', reason: expect.stringMatching(/no CloudWatch Logs resource policy lets mq\.amazonaws\.com call logs:CreateLogStream and logs:PutLogEvents.*put-resource-policy/) });
    expect(writesIn(run.calls)).toEqual([]);
    expect((await new MqClient({ region }).send(new DescribeBrokerCommand({ BrokerId: b.id }))).Logs).toMatchObject({ General: false });
  });

  it('ActiveMQ: dry-run and approval change nothing; auto turns on general and audit logs and verifies', async () => {
    const b = await createBroker('logs');

    const dry = await cliRecorded(['run', 'mq-enable-logging', '--resource', b.arn]);
    expect(dry.results).toEqual([
      expect.objectContaining({
        status: 'planned',
        controls: ['SecurityHub:MQ.2', 'Qualys:303'],
        changes: [expect.objectContaining({ field: 'Logs', before: { General: false, Audit: false }, after: { General: true, Audit: true } })],
        reason: expect.stringMatching(/pending until the broker reboots.*single-instance broker is an outage/),
      }),
    ]);
    const approval = await cliRecorded(['run', 'MQ.2', '--resource', b.arn, '--mode', 'approval']);
    expect(approval.results[0]?.status).toBe('awaiting-approval');
    expect(writesIn([...dry.calls, ...approval.calls])).toEqual([]);
    expect((await describeBroker(b.id)).Logs).toEqual({ General: false, Audit: false });

    const auto = await cliRecorded(['run', 'mq-enable-logging', '--resource', b.arn, '--mode', 'auto']);
    expect(auto.results[0]).toMatchObject({ status: 'applied', reason: expect.stringContaining('rebootPolicy is never') });
    expect(writesIn(auto.calls)).toEqual(['UpdateBrokerCommand']);
    expect((await describeBroker(b.id)).Logs).toEqual({ General: true, Audit: true });

    const again = await cliRecorded(['run', 'mq-enable-logging', '--resource', b.arn, '--mode', 'auto']);
    expect(again.results[0]?.status).toBe('compliant');
    expect(writesIn(again.calls)).toEqual([]);
  });

  it('RabbitMQ: general logs only (Audit is never sent)', async () => {
    const b = await createBroker('logs-rabbit', { EngineType: 'RABBITMQ' });
    const run = await cliRecorded(['run', 'mq-enable-logging', '--resource', b.arn, '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'applied', changes: [{ before: { General: false }, after: { General: true } }] });
    expect((await describeBroker(b.id)).Logs).toEqual({ General: true });
  });

  it('rebootPolicy immediately reboots right after the update, and the plan says so', async () => {
    const b = await createBroker('logs-reboot');
    const config = tempFile('config.json', { remediations: { 'mq-enable-logging': { rebootPolicy: 'immediately', mode: 'auto' } } });
    const run = await cliRecorded(['run', 'mq-enable-logging', '--resource', b.arn, '--config', config]);
    expect(run.results[0]).toMatchObject({ status: 'applied', mode: 'auto', changes: [{ field: 'Logs' }, { field: 'BrokerState', description: expect.stringContaining('outage') }] });
    expect(writesIn(run.calls)).toEqual(['UpdateBrokerCommand', 'RebootBrokerCommand']);
  });
});

onEmulator('mq-auto-minor-version-upgrade', () => {
  it('from a Security Hub MQ.3 finding: plans in dry-run, applies in auto', async () => {
    const b = await createBroker('amvu');
    const event = eventFile(findingEvent(b.arn, 'MQ.3'));
    const dry = await cliRecorded(['handle', '--event', event]);
    expect(dry.results).toEqual([expect.objectContaining({ remediation: 'mq-auto-minor-version-upgrade', status: 'planned', resourceArn: b.arn })]);
    expect(writesIn(dry.calls)).toEqual([]);
    const auto = await cliRecorded(['handle', '--event', event, '--mode', 'auto']);
    expect(auto.results[0]).toMatchObject({ status: 'applied', changes: [{ field: 'AutoMinorVersionUpgrade', before: false, after: true }] });
    const after = await describeBroker(b.id);
    expect(after.AutoMinorVersionUpgrade).toBe(true);
    expect(after.Logs).toEqual({ General: false, Audit: false });
  });
});

onEmulator('report-only MQ remediations', () => {
  it.each<[string, string]>([
    ['MQ.5', 'mq-active-standby'],
    ['Qualys:315', 'mq-no-public-access'],
  ])('%s on a public single-instance ActiveMQ broker is not-remediable in auto mode, with the replacement procedure, and writes nothing', async (control, id) => {
    const b = await createBroker('report', { PubliclyAccessible: true });
    const run = await cliRecorded(['run', control, '--resource', b.arn, '--mode', 'auto']);
    expect(run.results).toEqual([expect.objectContaining({ remediation: id, status: 'not-remediable', reason: expect.stringMatching(/create a replacement broker .*then delete it/) })]);
    expect(writesIn(run.calls)).toEqual([]);
  });

  it('a Security Hub MQ.6 finding on a single-instance RabbitMQ broker: not-remediable; on ActiveMQ: skipped', async () => {
    const rabbit = await createBroker('report-rabbit', { EngineType: 'RABBITMQ' });
    const run = await cliRecorded(['handle', '--event', eventFile(findingEvent(rabbit.arn, 'MQ.6')), '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ remediation: 'mq-rabbit-cluster', status: 'not-remediable', reason: expect.stringContaining('CLUSTER_MULTI_AZ') });
    const active = await createBroker('report-active');
    expect((await cliRecorded(['run', 'mq-rabbit-cluster', '--resource', active.arn])).results[0]).toMatchObject({ status: 'skipped', reason: expect.stringContaining('applies to RabbitMQ brokers') });
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
