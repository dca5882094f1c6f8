/** mq-active-standby (MQ.5), report-only: what it reports, and that it never writes, offline and against the emulator. */
import { expect, it } from 'vitest';
import { permissionsOf } from '@fixbridge/core';
import { mqActiveStandby } from '../../../packages/core/src/remediations/mq-active-standby';
import { cliRecorded } from '../../support/aws';
import { offline, onEmulator } from '../../support/projects';
import { createBroker, writesIn } from '../../support/sns-mq';
import { activemq, brokerState as broker, rabbitmq, SETTINGS as settings } from '../../support/states';

offline('report-only MQ remediations', () => {
  it.each<[string, () => { kind: string; reason: string }, string, RegExp]>([
    ['mq-active-standby: active/standby', () => mqActiveStandby.evaluate({ broker: broker(activemq, { deploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' }) }, {}, settings), 'compliant', /active\/standby/],
    ['mq-active-standby: single instance', () => mqActiveStandby.evaluate({ broker: activemq }, {}, settings), 'not-remediable', /SINGLE_INSTANCE\. .*DeploymentMode=ACTIVE_STANDBY_MULTI_AZ.*then delete it/],
    ['mq-active-standby: RabbitMQ', () => mqActiveStandby.evaluate({ broker: rabbitmq }, {}, settings), 'skipped', /applies to ActiveMQ brokers/],
  ])('%s → %s', (_n, evaluate, kind, reason) => {
    const a = evaluate();
    expect(a.kind).toBe(kind);
    expect(a.reason).toMatch(reason);
  });

  it.each([mqActiveStandby])('$id never writes: risk none, read-only permissions, apply refuses', async (r) => {
    expect(r.risk).toBe('none');
    expect(permissionsOf(r).every((p) => /^(mq:Describe|kms:Describe)/.test(p))).toBe(true);
    await expect(r.apply!({} as never, [], {})).rejects.toThrow(/report-only/);
  });
});

onEmulator('report-only MQ remediations', () => {
  it.each<[string, string]>([
    ['MQ.5', 'mq-active-standby'],
  ])('%s on a public single-instance ActiveMQ broker is not-remediable in auto mode, with the replacement procedure, and writes nothing', async (control, id) => {
    const b = await createBroker('report', { PubliclyAccessible: true });
    const run = await cliRecorded(['run', control, '--resource', b.arn, '--mode', 'auto']);
    expect(run.results).toEqual([expect.objectContaining({ remediation: id, status: 'not-remediable', reason: expect.stringMatching(/create a replacement broker .*then delete it/) })]);
    expect(writesIn(run.calls)).toEqual([]);
  });
});
