import { z } from 'zod';
import { mqBroker, isActiveMq, updateBlockReason, type MqOp, type MqBrokerState } from '../resources/mq-broker';
import { logsResourcePolicyEntries, putLogsResourcePolicy, type LogsResourcePolicy } from '../adapters/logs';
import { ConcurrentEditError } from '../errors';
import { appendStatement, canonicalPolicyText, coversAction, coversResource, servicePrincipalsOf, statementsOf, uniqueSid, type PolicyDocument, type Statement } from '../policy';
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
    /**
     * An ActiveMQ broker writes its logs only when a CloudWatch Logs resource policy lets Amazon MQ
     * do so. `false` (default): block, with the command that adds it; `true`: add the documented
     * policy, scoped to this account with `aws:SourceAccount`, as its own named policy (or merged into
     * the policy of that name); no other policy is replaced.
     */
    createLogsResourcePolicy: z.boolean().default(false),
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

/** The CloudWatch Logs actions Amazon MQ needs a resource policy for. */
const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

/** The log actions no resource policy lets Amazon MQ call on the broker's log streams. */
function missingLogActions(broker: MqBrokerState, policies: PolicyDocument[]): string[] {
  const partition = broker.arn.split(':')[1] ?? 'aws';
  const stream = `arn:${partition}:logs:${broker.region}:${broker.accountId}:log-group:/aws/amazonmq/broker/${broker.id}/general:log-stream:x`;
  const allowed = (action: string) =>
    policies.some((doc) =>
      statementsOf(doc).some(
        (s) => s.Effect === 'Allow' && servicePrincipalsOf(s).includes(MQ_SERVICE) && coversAction(s, action) && coversResource(s, stream),
      ),
    );
  return LOG_ACTIONS.filter((a) => !allowed(a));
}

/**
 * An ActiveMQ broker writes its logs only when a CloudWatch Logs resource policy lets
 * `mq.amazonaws.com` create streams and put events in its `/aws/amazonmq/broker/<id>/…` log groups;
 * without one, enabling logs changes nothing but the broker's settings. RabbitMQ brokers publish
 * through Amazon MQ's service-linked role (`AmazonMQServiceRolePolicy` allows the log actions on
 * `/aws/amazonmq/*`), so they need no resource policy. Null when logging can work.
 */
export function logsDestinationBlockReason(broker: MqBrokerState, policies: PolicyDocument[] | undefined): string | null {
  if (!policies || !isActiveMq(broker)) return null;
  const partition = broker.arn.split(':')[1] ?? 'aws';
  const missing = missingLogActions(broker, policies);
  if (missing.length === 0) return null;
  return (
    `no CloudWatch Logs resource policy lets ${MQ_SERVICE} call ${missing.join(' and ')} on /aws/amazonmq/*, so the ActiveMQ broker could not write its logs. ` +
    `Add one, e.g. aws logs put-resource-policy --policy-name ${LOGS_POLICY_NAME} --policy-document '${JSON.stringify(mqLogsResourcePolicy(partition, broker.accountId))}', ` +
    `then run again (or set "createLogsResourcePolicy": true for fixbridge to add it)`
  );
}

/** The name of the CloudWatch Logs resource policy fixbridge creates (or merges its statement into). */
export const LOGS_POLICY_NAME = 'AmazonMQ-logs';

const MQ_SERVICE = 'mq.amazonaws.com';

/** The statement Amazon MQ needs to publish logs, as AWS documents it; with `accountId`, scoped to that account (`aws:SourceAccount`). */
export function mqLogsStatement(partition = 'aws', accountId?: string): Statement {
  return {
    Sid: 'AmazonMQLogs',
    Effect: 'Allow',
    Principal: { Service: MQ_SERVICE },
    Action: [...LOG_ACTIONS],
    Resource: `arn:${partition}:logs:*:${accountId ?? '*'}:log-group:/aws/amazonmq/*`,
    ...(accountId ? { Condition: { StringEquals: { 'aws:SourceAccount': accountId } } } : {}),
  };
}

/** The CloudWatch Logs resource policy Amazon MQ needs to publish logs, as AWS documents it (scoped to `accountId` when given). */
export function mqLogsResourcePolicy(partition = 'aws', accountId?: string): PolicyDocument {
  return { Version: '2012-10-17', Statement: [mqLogsStatement(partition, accountId)] };
}

/** Writes the CloudWatch Logs resource policy `name`, unless the policy of that name changed since it was read (`expect`, null: absent). */
export type LogsPolicyOp = { kind: 'logs-resource-policy'; name: string; document: PolicyDocument; expect: string | null };

export interface MqEnableLoggingInput {
  broker: MqBrokerState;
  /** The account's CloudWatch Logs resource policies (read when logs would be turned on). */
  logsPolicies?: PolicyDocument[];
  /** The same, with their names and text (to merge into the one fixbridge writes). */
  logsPolicyEntries?: LogsResourcePolicy[];
}

export const mqEnableLogging = defineRemediation<typeof mqBroker, MqEnableLoggingInput, MqEnableLoggingOptions, MqOp | LogsPolicyOp>({
  id: 'mq-enable-logging',
  title: 'Publish Amazon MQ broker logs to CloudWatch (general; audit too for ActiveMQ)',
  kind: mqBroker,
  controls: { securityHub: ['MQ.2'], qualys: ['303'], seeds: ['000 "MQ.5"', 'NIST AU-12'] },
  risk: 'medium',
  // logs:CreateLogGroup: whoever updates or reboots a broker with logging on needs it for Amazon MQ to create the log group.
  // logs:PutResourcePolicy: the createLogsResourcePolicy option.
  permissions: ['mq:UpdateBroker', 'mq:RebootBroker', 'logs:CreateLogGroup', 'logs:DescribeResourcePolicies', 'logs:PutResourcePolicy'],
  optionsSchema: MqEnableLoggingOptionsSchema,

  async read(ctx): Promise<MqEnableLoggingInput> {
    const broker = await ctx.resource();
    const needed = logKinds(broker).some((k) => !willLog(broker, k).on);
    if (!needed || !isActiveMq(broker)) return { broker };
    const entries = await logsResourcePolicyEntries(ctx.clients);
    return { broker, logsPolicies: entries.map((e) => e.document), logsPolicyEntries: entries };
  },

  async apply(ctx, ops) {
    for (const op of ops) {
      if (op.kind !== 'logs-resource-policy') {
        await mqBroker.applyOps(ctx.clients, [op]);
        continue;
      }
      const live = (await logsResourcePolicyEntries(ctx.clients)).find((p) => p.name === op.name);
      if (canonicalPolicyText(live?.text ?? null) !== canonicalPolicyText(op.expect)) {
        throw new ConcurrentEditError(`the CloudWatch Logs resource policy ${op.name} changed after it was read; nothing was written (run again to re-plan)`);
      }
      await putLogsResourcePolicy(ctx.clients, op.name, op.document);
    }
  },

  evaluate({ broker, logsPolicies, logsPolicyEntries }, options) {
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
    const notRunning = updateBlockReason(broker);
    if (notRunning) return { kind: 'blocked', reason: notRunning };
    const noDestination = logsDestinationBlockReason(broker, logsPolicies);
    const partition = broker.arn.split(':')[1] ?? 'aws';
    const changes: Change[] = [];
    const ops: (MqOp | LogsPolicyOp)[] = [];
    if (noDestination && !options.createLogsResourcePolicy) return { kind: 'blocked', reason: noDestination };
    if (noDestination) {
      // Merge into the policy of fixbridge's name if there is one; every other policy stays as it is.
      const existing = logsPolicyEntries?.find((p) => p.name === LOGS_POLICY_NAME);
      const want = mqLogsStatement(partition, broker.accountId);
      const document = appendStatement(existing?.document ?? null, { ...want, Sid: uniqueSid(existing?.document ?? null, want.Sid!) });
      changes.push({
        field: 'LogsResourcePolicy',
        description: `${existing ? 'add a statement to' : 'create'} the CloudWatch Logs resource policy ${LOGS_POLICY_NAME} letting ${MQ_SERVICE} write /aws/amazonmq/* logs of account ${broker.accountId} (aws:SourceAccount)`,
        before: existing?.document ?? null,
        after: document,
      });
      ops.push({ kind: 'logs-resource-policy', name: LOGS_POLICY_NAME, document, expect: existing?.text ?? null });
    }

    // UpdateBroker replaces the whole Logs object: send every kind this engine has.
    const before = Object.fromEntries(kinds.map((k) => [LOG_FIELD[k], broker.logs[k]]));
    const after = Object.fromEntries(kinds.map((k) => [LOG_FIELD[k], true]));
    const outage =
      broker.deploymentMode === 'SINGLE_INSTANCE'
        ? 'a reboot of this single-instance broker is an outage (no standby takes over)'
        : `the ${broker.deploymentMode} broker reboots one instance at a time`;
    changes.push({ field: 'Logs', description: `turn on ${label}`, before, after });
    ops.push({ kind: 'update', brokerId: broker.id, logs: after });
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
