/** mq-active-standby (MQ.5), report-only: what it reports, and that it never writes, offline and against the emulator. */
import { expect, it } from 'vitest';
import { mqActiveStandby } from '../../../packages/core/src/remediations/mq-active-standby';
import { cliRecorded } from '../../support/aws';
import { reportOnlyTests } from '../../support/report-only';
import { offline, onEmulator } from '../../support/projects';
import { createBroker, writesIn } from '../../support/sns-mq';
import { activemq, brokerState as broker, rabbitmq, SETTINGS as settings } from '../../support/states';

offline('report-only MQ remediations', () => {
  reportOnlyTests(mqActiveStandby, [
    ['mq-active-standby: active/standby', () => mqActiveStandby.evaluate({ broker: broker(activemq, { deploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' }) }, {}, settings), 'compliant', /active\/standby/],
    ['mq-active-standby: single instance', () => mqActiveStandby.evaluate({ broker: activemq }, {}, settings), 'not-remediable', /SINGLE_INSTANCE\. .*DeploymentMode=ACTIVE_STANDBY_MULTI_AZ.*then delete it/],
    ['mq-active-standby: RabbitMQ', () => mqActiveStandby.evaluate({ broker: rabbitmq }, {}, settings), 'skipped', /applies to ActiveMQ brokers/],
  ]);
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
