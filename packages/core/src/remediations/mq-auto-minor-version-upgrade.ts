import { z } from 'zod';
import { applyMqOps, updateBlockReason, type MqBrokerState, type MqOp } from '../adapters/mq';
import { defineRemediation } from './types';

export const MqAutoMinorVersionUpgradeConfigSchema = z.object({}).strict();
export type MqAutoMinorVersionUpgradeConfig = z.infer<typeof MqAutoMinorVersionUpgradeConfigSchema>;

export const mqAutoMinorVersionUpgrade = defineRemediation<{ broker: MqBrokerState }, MqAutoMinorVersionUpgradeConfig, MqOp>({
  id: 'mq-auto-minor-version-upgrade',
  title: 'Turn on automatic minor version upgrades for an Amazon MQ broker',
  resourceType: 'mq-broker',
  controls: { securityHub: ['MQ.3'], qualys: ['491'], seeds: ['000 "MQ.6"'] },
  risk: 'low',
  permissions: ['mq:DescribeBroker', 'mq:UpdateBroker'],
  configSchema: MqAutoMinorVersionUpgradeConfigSchema,

  async read(ctx) {
    return { broker: (await ctx.resource()) as MqBrokerState };
  },

  evaluate({ broker }) {
    if (broker.autoMinorVersionUpgrade) return { kind: 'compliant', reason: 'automatic minor version upgrades are on' };
    const blocked = updateBlockReason(broker);
    if (blocked) return { kind: 'blocked', reason: blocked };
    return {
      kind: 'plan',
      reason: 'automatic minor version upgrades are off',
      changes: [{ field: 'AutoMinorVersionUpgrade', description: 'upgrade to new minor engine versions in the maintenance window', before: false, after: true }],
      ops: [{ kind: 'update', brokerId: broker.id, autoMinorVersionUpgrade: true }],
    };
  },

  apply: (ctx, ops) => applyMqOps(ctx.clients, ops),
});
