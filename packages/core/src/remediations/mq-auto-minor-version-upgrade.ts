import { z } from 'zod';
import { mqBroker, updateBlockReason } from '../resources/mq-broker';
import { defineRemediation } from './types';

export const MqAutoMinorVersionUpgradeOptionsSchema = z.object({}).strict();
export type MqAutoMinorVersionUpgradeOptions = z.infer<typeof MqAutoMinorVersionUpgradeOptionsSchema>;

export const mqAutoMinorVersionUpgrade = defineRemediation({
  id: 'mq-auto-minor-version-upgrade',
  title: 'Turn on automatic minor version upgrades for an Amazon MQ broker',
  kind: mqBroker,
  controls: { securityHub: ['MQ.3'], qualys: ['491'], seeds: ['000 "MQ.6"'] },
  risk: 'low',
  permissions: ['mq:UpdateBroker'],
  optionsSchema: MqAutoMinorVersionUpgradeOptionsSchema,

  async read(ctx) {
    return { broker: await ctx.resource() };
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
});
