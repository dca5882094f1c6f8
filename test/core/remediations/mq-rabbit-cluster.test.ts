/** mq-rabbit-cluster (MQ.6), report-only: what it reports, and that it never writes, offline and against the emulator from a finding. */
import { expect, it } from 'vitest';
import { mqRabbitCluster } from '../../../packages/core/src/remediations/mq-rabbit-cluster';
import { cliRecorded, tempFile } from '../../support/aws';
import { reportOnlyTests } from '../../support/report-only';
import { offline, onEmulator } from '../../support/projects';
import { createBroker, findingEvent } from '../../support/sns-mq';
import { activemq, brokerState as broker, rabbitmq, SETTINGS as settings } from '../../support/states';

const eventFile = (event: object) => tempFile('event.json', event);

offline('report-only MQ remediations', () => {
  reportOnlyTests(mqRabbitCluster, [
    ['mq-rabbit-cluster: cluster', () => mqRabbitCluster.evaluate({ broker: broker(rabbitmq, { deploymentMode: 'CLUSTER_MULTI_AZ' }) }, {}, settings), 'compliant', /cluster/],
    ['mq-rabbit-cluster: single instance', () => mqRabbitCluster.evaluate({ broker: rabbitmq }, {}, settings), 'not-remediable', /DeploymentMode=CLUSTER_MULTI_AZ/],
    ['mq-rabbit-cluster: ActiveMQ', () => mqRabbitCluster.evaluate({ broker: activemq }, {}, settings), 'skipped', /applies to RabbitMQ brokers/],
  ]);
});

onEmulator('report-only MQ remediations', () => {
  it('a Security Hub MQ.6 finding on a single-instance RabbitMQ broker: not-remediable; on ActiveMQ: skipped', async () => {
    const rabbit = await createBroker('report-rabbit', { EngineType: 'RABBITMQ' });
    const run = await cliRecorded(['handle', '--event', eventFile(findingEvent(rabbit.arn, 'MQ.6')), '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ remediation: 'mq-rabbit-cluster', status: 'not-remediable', reason: expect.stringContaining('CLUSTER_MULTI_AZ') });
    const active = await createBroker('report-active');
    expect((await cliRecorded(['run', 'mq-rabbit-cluster', '--resource', active.arn])).results[0]).toMatchObject({ status: 'skipped', reason: expect.stringContaining('applies to RabbitMQ brokers') });
  });
});
