import { z } from 'zod';
import { mqBroker, isActiveMq, updateBlockReason, type MqOp, type MqBrokerState } from '../resources/mq-broker';
import { logsResourcePolicies } from '../adapters/logs';
import { coversAction, coversResource, servicePrincipalsOf, statementsOf, type PolicyDocument } from '../policy';
import type { Change } from '../results';
import { defineRemediation } from './types';

export const MqEnableLoggingOptionsSchema = z
  .object({
    /**
     * Log settings take effect only when the broker reboots. `never` (default): leave the reboot to a
     * person or the maintenance window; `immediately`: reboot right after the update (an outage on a
     * single-instance broker).
     */
    rebootPolicy: z.enum(['never', 'immediately']).default('never'),
  })
  .strict();
export type MqEnableLoggingOptions = z.infer<typeof MqEnableLoggingOptionsSchema>;

type LogKind = 'general' | 'audit';

/** In the reason of a broker whose logging waits for a reboot (the result also says `pendingReboot`); Security Hub still fails MQ.2 until then. */
export const LOGS_PENDING_REBOOT = 'logging is pending until the broker reboots';
const LOG_FIELD = { general: 'General', audit: 'Audit' } as const;

/** What the broker will log once pending changes apply: the pending value wins over the current one. */
function willLog(broker: MqBrokerState, kind: LogKind): { on: boolean; pending: boolean } {
  const pending = broker.logs.pending?.[kind];
  return pending === undefined ? { on: broker.logs[kind], pending: false } : { on: pending, pending: pending !== broker.logs[kind] };
}

/** The log kinds a broker has: RabbitMQ has no audit logs (UpdateBroker rejects Audit for it). */
function logKinds(broker: MqBrokerState): LogKind[] {
  return isActiveMq(broker) ? ['general', 'audit'] : ['general'];
}

/**
 * Amazon MQ writes its logs only when a CloudWatch Logs resource policy lets `mq.amazonaws.com`
 * create streams and put events in the broker's `/aws/amazonmq/broker/<id>/…` log groups; without
 * one, enabling logs changes nothing but the broker's settings. Null when logging can work.
 */
export function logsDestinationBlockReason(broker: MqBrokerState, policies: PolicyDocument[] | undefined): string | null {
  if (!policies) return null;
  const partition = broker.arn.split(':')[1] ?? 'aws';
  const stream = `arn:${partition}:logs:${broker.region}:${broker.accountId}:log-group:/aws/amazonmq/broker/${broker.id}/general:log-stream:x`;
  const allowed = (action: string) =>
    policies.some((doc) =>
      statementsOf(doc).some(
        (s) => s.Effect === 'Allow' && servicePrincipalsOf(s).includes(MQ_SERVICE) && coversAction(s, action) && coversResource(s, stream),
      ),
    );
  const missing = ['logs:CreateLogStream', 'logs:PutLogEvents'].filter((a) => !allowed(a));
  if (missing.length === 0) return null;
  return (
    `no CloudWatch Logs resource policy lets ${MQ_SERVICE} call ${missing.join(' and ')} on /aws/amazonmq/*, so the broker could not write its logs. ` +
    `Add one, e.g. aws logs put-resource-policy --policy-name AmazonMQ-logs --policy-document '${JSON.stringify(mqLogsResourcePolicy(partition))}', then run again`
  );
}

const MQ_SERVICE = 'mq.amazonaws.com';

/** The CloudWatch Logs resource policy Amazon MQ needs to publish logs, as AWS documents it. */
export function mqLogsResourcePolicy(partition = 'aws'): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: MQ_SERVICE }, Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `arn:${partition}:logs:*:*:log-group:/aws/amazonmq/*` }],
  };
}

export interface MqEnableLoggingInput {
  broker: MqBrokerState;
  /** The account's CloudWatch Logs resource policies (read when logs would be turned on). */
  logsPolicies?: PolicyDocument[];
}

export const mqEnableLogging = defineRemediation({
  id: 'mq-enable-logging',
  title: 'Publish Amazon MQ broker logs to CloudWatch (general; audit too for ActiveMQ)',
  kind: mqBroker,
  controls: { securityHub: ['MQ.2'], qualys: ['303'], seeds: ['000 "MQ.5"', 'NIST AU-12'] },
  risk: 'medium',
  // logs:CreateLogGroup: whoever updates or reboots a broker with logging on needs it for Amazon MQ to create the log group.
  permissions: ['mq:UpdateBroker', 'mq:RebootBroker', 'logs:CreateLogGroup', 'logs:DescribeResourcePolicies'],
  optionsSchema: MqEnableLoggingOptionsSchema,

  async read(ctx) {
    const broker = await ctx.resource();
    const needed = logKinds(broker).some((k) => !willLog(broker, k).on);
    return { broker, ...(needed ? { logsPolicies: await logsResourcePolicies(ctx.clients) } : {}) };
  },

  evaluate({ broker, logsPolicies }, options) {
    // RabbitMQ has no audit logs (UpdateBroker rejects Audit for it).
    const kinds = logKinds(broker);
    const label = kinds.length === 2 ? 'general and audit logs' : 'general logs (RabbitMQ has no audit logs)';
    const off = kinds.filter((k) => !willLog(broker, k).on);
    if (off.length === 0) {
      const waiting = kinds.filter((k) => willLog(broker, k).pending);
      if (waiting.length === 0) return { kind: 'compliant', reason: `${label} are on` };
      return {
        kind: 'compliant',
        reason: `${label} are enabled, but ${waiting.join(' and ')} ${LOGS_PENDING_REBOOT} (next reboot or maintenance window)`,
        pendingReboot: true,
      };
    }
    const blocked = updateBlockReason(broker) ?? logsDestinationBlockReason(broker, logsPolicies);
    if (blocked) return { kind: 'blocked', reason: blocked };

    // UpdateBroker replaces the whole Logs object: send every kind this engine has.
    const before = Object.fromEntries(kinds.map((k) => [LOG_FIELD[k], broker.logs[k]]));
    const after = Object.fromEntries(kinds.map((k) => [LOG_FIELD[k], true]));
    const outage =
      broker.deploymentMode === 'SINGLE_INSTANCE'
        ? 'a reboot of this single-instance broker is an outage (no standby takes over)'
        : `the ${broker.deploymentMode} broker reboots one instance at a time`;
    const changes: Change[] = [{ field: 'Logs', description: `turn on ${label}`, before, after }];
    const ops: MqOp[] = [{ kind: 'update', brokerId: broker.id, logs: after }];
    let next: string;
    if (options.rebootPolicy === 'immediately') {
      changes.push({ field: 'BrokerState', description: `reboot the broker now so the logs take effect: ${outage}`, before: broker.brokerState, after: 'REBOOT_IN_PROGRESS' });
      ops.push({ kind: 'reboot', brokerId: broker.id });
      next = `rebootPolicy is immediately, so fixbridge reboots the broker right after the update (${outage})`;
    } else {
      next = `rebootPolicy is never: reboot the broker (or wait for its maintenance window) to start logging; ${outage}`;
    }
    return {
      kind: 'plan',
      reason: `${off.join(' and ')} logging is off; log changes stay pending until the broker reboots, and ${next}`,
      changes,
      ops,
    };
  },
});
