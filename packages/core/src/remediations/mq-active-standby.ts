import { isActiveMq, type MqBrokerState } from '../resources/mq-broker';
import { defineReportOnly, replacementProcedure } from './mq-report-only';

export const mqActiveStandby = defineReportOnly<{ broker: MqBrokerState }>({
  id: 'mq-active-standby',
  title: 'Report ActiveMQ brokers not deployed active/standby across AZs (replacement needed)',
  controls: { securityHub: ['MQ.5'], qualys: ['492'], seeds: ['000 "MQ.2"', '000 "MQ.9"'] },
  permissions: [],

  async read(ctx) {
    return { broker: await ctx.resource() };
  },

  evaluate({ broker }) {
    if (!isActiveMq(broker)) return { kind: 'skipped', reason: `applies to ActiveMQ brokers; this one is ${broker.engineType} (see mq-rabbit-cluster)` };
    if (broker.deploymentMode === 'ACTIVE_STANDBY_MULTI_AZ') return { kind: 'compliant', reason: 'the broker is deployed active/standby across two AZs' };
    return {
      kind: 'not-remediable',
      reason: `the broker's deployment mode is ${broker.deploymentMode}. ${replacementProcedure(broker, 'DeploymentMode=ACTIVE_STANDBY_MULTI_AZ (two subnets in different AZs)')}`,
    };
  },
});
