import type { MqBrokerState } from '../resources/mq-broker';
import { defineReportOnly, replacementProcedure } from './mq-report-only';

export const mqNoPublicAccess = defineReportOnly<{ broker: MqBrokerState }>({
  id: 'mq-no-public-access',
  title: 'Report Amazon MQ brokers that are publicly accessible (replacement needed)',
  controls: { securityHub: [], qualys: ['315'], seeds: ['000 "MQ.1"', 'CCM IVS-01'] },
  permissions: [],

  async read(ctx) {
    return { broker: await ctx.resource() };
  },

  evaluate({ broker }) {
    if (!broker.publiclyAccessible) return { kind: 'compliant', reason: 'the broker is not publicly accessible' };
    return {
      kind: 'not-remediable',
      reason: `the broker is publicly accessible. ${replacementProcedure(broker, 'PubliclyAccessible=false in private subnets, reached through the VPC')}`,
    };
  },
});
