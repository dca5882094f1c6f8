import { isActiveMq, type MqBrokerState } from '../resources/mq-broker';
import { defineReportOnly, replacementProcedure } from './mq-report-only';

export const mqRabbitCluster = defineReportOnly<{ broker: MqBrokerState }>({
  id: 'mq-rabbit-cluster',
  title: 'Report RabbitMQ brokers not deployed as a multi-AZ cluster (replacement needed)',
  controls: { securityHub: ['MQ.6'], qualys: [], seeds: ['000 "MQ.9"'] },
  permissions: [],

  async read(ctx) {
    return { broker: await ctx.resource() };
  },

  evaluate({ broker }) {
    if (isActiveMq(broker)) return { kind: 'skipped', reason: 'applies to RabbitMQ brokers; this one is ACTIVEMQ (see mq-active-standby)' };
    if (broker.deploymentMode === 'CLUSTER_MULTI_AZ') return { kind: 'compliant', reason: 'the broker is a cluster across three AZs' };
    return {
      kind: 'not-remediable',
      reason: `the broker's deployment mode is ${broker.deploymentMode}. ${replacementProcedure(broker, 'DeploymentMode=CLUSTER_MULTI_AZ (a three-node cluster across AZs)')}`,
    };
  },
});
