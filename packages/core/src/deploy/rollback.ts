/**
 * Rollback: write each change's `before` back, for a change the engine applied. Dry-run unless the
 * mode is `auto`. A change is restored only while the resource still holds its `after` value, so a
 * later edit by someone else is never overwritten: it is checked when the rollback is planned, and
 * again on a fresh read right before the write. Changes that cannot be undone (a created queue, a
 * reboot) are refused with the reason, as a `blocked` result of their own.
 */
import { SetTopicAttributesCommand, UntagResourceCommand } from '@aws-sdk/client-sns';
import { UntagQueueCommand } from '@aws-sdk/client-sqs';
import { DeleteTagsCommand } from '@aws-sdk/client-mq';
import { parseArn, RESOURCE_TYPE_LABEL, type ResourceRef, type ResourceType } from '../arn';
import type { Clients } from '../aws/clients';
import { applyMqOps, type MqBrokerState } from '../adapters/mq';
import { applySnsOps, type SnsTopicState } from '../adapters/sns';
import { applySqsOps, setQueueAttributes, type SqsQueueState } from '../adapters/sqs';
import { describeError, InputError } from '../errors';
import { canonicalPolicyText } from '../policy';
import { READERS, type BaseState } from '../readers';
import type { Change, Mode, Result } from '../results';
import { historyEntry, type HistoryEntry, type HistoryStore } from './history';
import { changeIdFor } from './work-message';

type Values = Record<string, unknown>;

/** How to read and write back the settings of one resource type. */
export interface Restorer {
  /** Settings that can be written back (anything else is refused). */
  writable: ReadonlySet<string>;
  current(state: BaseState): Values;
  write(clients: Clients, state: BaseState, values: Values): Promise<void>;
  tag(clients: Clients, state: BaseState, set: Record<string, string>, remove: string[]): Promise<void>;
}

/** Attribute text for SQS/SNS: null removes, documents are JSON. */
function text(v: unknown): string {
  return v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
}

export const RESTORERS: Partial<Record<ResourceType, Restorer>> = {
  'sqs-queue': {
    writable: new Set(['Policy', 'KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled', 'RedrivePolicy', 'RedriveAllowPolicy', 'VisibilityTimeout', 'MessageRetentionPeriod', 'DelaySeconds', 'ReceiveMessageWaitTimeSeconds', 'MaximumMessageSize']),
    current: (s) => ({ ...(s as SqsQueueState).attributes }),
    write: (clients, s, values) => setQueueAttributes(clients, (s as SqsQueueState).url, Object.fromEntries(Object.entries(values).map(([k, v]) => [k, text(v)]))),
    async tag(clients, s, set, remove) {
      const QueueUrl = (s as SqsQueueState).url;
      if (remove.length) await clients.sqs.send(new UntagQueueCommand({ QueueUrl, TagKeys: remove }));
      if (Object.keys(set).length) await applySqsOps(clients, [{ kind: 'tag', url: QueueUrl, tags: set }]);
    },
  },
  'sns-topic': {
    writable: new Set(['Policy', 'KmsMasterKeyId', 'DeliveryPolicy', 'DisplayName', 'TracingConfig', 'SignatureVersion']),
    current: (s) => ({ ...(s as SnsTopicState).attributes }),
    async write(clients, s, values) {
      for (const [AttributeName, v] of Object.entries(values)) {
        await clients.sns.send(new SetTopicAttributesCommand({ TopicArn: s.arn, AttributeName, AttributeValue: text(v) }));
      }
    },
    async tag(clients, s, set, remove) {
      if (remove.length) await clients.sns.send(new UntagResourceCommand({ ResourceArn: s.arn, TagKeys: remove }));
      if (Object.keys(set).length) await applySnsOps(clients, [{ kind: 'tag', topicArn: s.arn, tags: set }]);
    },
  },
  'mq-broker': {
    writable: new Set(['AutoMinorVersionUpgrade', 'Logs']),
    current(s) {
      const b = s as MqBrokerState;
      // Log settings apply at the next reboot: what was last written is what counts here.
      return { AutoMinorVersionUpgrade: b.autoMinorVersionUpgrade, Logs: { General: b.logs.pending?.general ?? b.logs.general, Audit: b.logs.pending?.audit ?? b.logs.audit } };
    },
    write: (clients, s, v) =>
      applyMqOps(clients, [{ kind: 'update', brokerId: (s as MqBrokerState).id, ...('Logs' in v ? { logs: v.Logs as object } : {}), ...('AutoMinorVersionUpgrade' in v ? { autoMinorVersionUpgrade: v.AutoMinorVersionUpgrade as boolean } : {}) }]),
    async tag(clients, s, set, remove) {
      if (remove.length) await clients.mq.send(new DeleteTagsCommand({ ResourceArn: s.arn, TagKeys: remove }));
      if (Object.keys(set).length) await applyMqOps(clients, [{ kind: 'tag', arn: s.arn, tags: set }]);
    },
  },
};

const IRREVERSIBLE: Record<string, string> = {
  DeadLetterQueue: 'fixbridge created this queue and does not delete queues; delete it by hand once nothing sends to it',
  BrokerState: 'a reboot cannot be undone',
};

/** JSON text parsed, empty values as null, object keys sorted: values equal by meaning compare equal. */
function canonical(v: unknown): string {
  let x = v === undefined || v === '' ? null : v;
  if (typeof x === 'string' && /^[[{]/.test(x.trim())) {
    try {
      x = JSON.parse(x);
    } catch {
      /* plain text */
    }
  }
  const sort = (y: unknown): unknown =>
    Array.isArray(y) ? y.map(sort) : y && typeof y === 'object' ? Object.fromEntries(Object.keys(y).sort().map((k) => [k, sort((y as Values)[k])])) : y;
  return JSON.stringify(sort(typeof x === 'boolean' || typeof x === 'number' ? String(x) : x));
}

/** `current` still holds `expected`: for objects, every key of `expected` (broker Logs carry more kinds than a change names). */
function holds(current: unknown, expected: unknown): boolean {
  const obj = (v: unknown): v is Values => typeof v === 'object' && v !== null && !Array.isArray(v) && !('Statement' in v);
  if (obj(expected) && obj(current)) return Object.keys(expected).every((k) => holds(current[k], expected[k]));
  return canonical(current) === canonical(expected);
}

function policyOf(v: unknown): { Statement: unknown[] } & Values {
  const doc = typeof v === 'string' ? (v ? JSON.parse(v) : null) : v;
  if (!doc) return { Version: '2012-10-17', Statement: [] };
  return { ...doc, Statement: Array.isArray(doc.Statement) ? [...doc.Statement] : doc.Statement ? [doc.Statement] : [] };
}

export interface RollbackPlan {
  values: Values;
  tags: { set: Record<string, string>; remove: string[] };
  restored: Change[];
  refused: { change: Change; reason: string }[];
}

/** Pure: which changes can be written back, given the resource's current settings and tags. */
export function planRollback(changes: Change[], restorer: Restorer, current: Values, tags: Record<string, string>, label: string): RollbackPlan {
  const plan: RollbackPlan = { values: {}, tags: { set: {}, remove: [] }, restored: [], refused: [] };
  const inverse = (c: Change): Change => ({ field: c.field, description: `undo: ${c.description}`, before: c.after, after: c.before });
  for (const c of changes) {
    const refuse = (reason: string) => plan.refused.push({ change: c, reason: `${c.field}: ${reason}` });
    const statement = /^Policy\.Statement\[\d+\]$/.test(c.field);
    const tag = /^Tags\.(.+)$/.exec(c.field)?.[1];
    if (IRREVERSIBLE[c.field]) {
      refuse(IRREVERSIBLE[c.field]!);
    } else if (tag !== undefined) {
      if (!holds(tags[tag], c.after)) refuse(`tag ${tag} changed since (now ${tags[tag] ?? 'absent'}); not restored`);
      else if (c.before === null || c.before === undefined) plan.tags.remove.push(tag);
      else plan.tags.set[tag] = String(c.before);
    } else if (statement) {
      const policy = policyOf('Policy' in plan.values ? plan.values.Policy : current.Policy);
      const i = policy.Statement.findIndex((s) => canonical(s) === canonical(c.after));
      if (i < 0) refuse('the statement fixbridge wrote is no longer in the policy; not restored');
      else {
        if (c.before === null || c.before === undefined) policy.Statement.splice(i, 1);
        else policy.Statement[i] = c.before;
        plan.values.Policy = policy;
      }
    } else if (!restorer.writable.has(c.field)) {
      refuse(`fixbridge cannot write ${c.field} of an ${label}`);
    } else if (!holds(current[c.field], c.after)) {
      refuse(`changed since fixbridge wrote it (now ${text(current[c.field]) || 'empty'}); not restored`);
    } else {
      plan.values[c.field] = c.before ?? null;
    }
    if (plan.refused.at(-1)?.change !== c) plan.restored.push(inverse(c));
  }
  return plan;
}

/** A resource's settings and tags as read at one moment. */
export interface RollbackReading {
  values: Values;
  tags: Record<string, string>;
}

/** The fields the plan writes whose live value moved between two readings (policies compared as canonical text). */
export function movedSince(plan: RollbackPlan, then: RollbackReading, now: RollbackReading): string[] {
  const same = (k: string) => (k === 'Policy' ? canonicalPolicyText(text(then.values.Policy)) === canonicalPolicyText(text(now.values.Policy)) : canonical(then.values[k]) === canonical(now.values[k]));
  const tags = [...plan.tags.remove, ...Object.keys(plan.tags.set)].filter((t) => then.tags[t] !== now.tags[t]).map((t) => `Tags.${t}`);
  return [...Object.keys(plan.values).filter((k) => !same(k)), ...tags];
}

export interface RollbackDeps {
  history: HistoryStore;
  clientsFor(ref: ResourceRef): Promise<Clients> | Clients;
  mode: Mode;
  now?: () => Date;
}

/** A rollback read and planned: the results known so far and, in auto mode with something to restore, the guarded write. */
export interface PreparedRollback {
  results: Result[];
  /** Re-reads the resource and writes only if nothing the plan writes moved since it was planned. */
  apply?: () => Promise<Result[]>;
}

/** Roll back one recorded change. An unknown or malformed change id is an `InputError`. */
export async function rollback(changeId: string, deps: RollbackDeps): Promise<Result[]> {
  const { results, apply } = await prepareRollback(changeId, deps);
  return [...results, ...(apply ? await apply() : [])];
}

export async function prepareRollback(changeId: string, deps: RollbackDeps): Promise<PreparedRollback> {
  const entry = await deps.history.get(changeId);
  if (!entry) throw new InputError(`no change ${changeId} in history table ${deps.history.table}`);
  const base = { remediation: entry.remediation, controls: entry.controls, resourceArn: entry.resourceArn, mode: deps.mode };
  const result = (status: Result['status'], reason: string, changes: Change[] = []): Result => ({ ...base, status, reason, changes });
  const only = (r: Result): PreparedRollback => ({ results: [r] });
  if (entry.status !== 'applied') return only(result('blocked', `change ${changeId} was never applied (its status is ${entry.status}); there is nothing to roll back`));
  if (entry.rolledBackBy) return only(result('blocked', `change ${changeId} was already rolled back by ${entry.rolledBackBy}`));

  const ref = parseArn(entry.resourceArn);
  const label = RESOURCE_TYPE_LABEL[ref.type];
  const restorer = RESTORERS[ref.type];
  const reader = READERS[ref.type];
  if (!restorer || !reader) return only(result('blocked', `fixbridge cannot roll back changes of an ${label}`));
  let clients: Clients;
  const read = async (): Promise<BaseState & RollbackReading> => {
    const state = await reader(clients, ref);
    return { ...state, values: restorer.current(state) };
  };
  let planned: BaseState & RollbackReading;
  try {
    clients = await deps.clientsFor(ref);
    planned = await read();
  } catch (err) {
    return only(result('failed', `could not read ${entry.resourceArn}: ${describeError(err)}`));
  }
  const plan = planRollback(entry.changes, restorer, planned.values, planned.tags, label);
  const results: Result[] = [];
  if (plan.refused.length) results.push(result('blocked', plan.refused.map((r) => r.reason).join('; '), plan.refused.map((r) => r.change)));
  if (!plan.restored.length) return { results };
  const what = `roll back ${changeId} (${entry.remediation} at ${entry.time})`;
  if (deps.mode === 'dry-run') return { results: [...results, result('planned', `${what}; dry-run: nothing was changed (use --mode auto to apply)`, plan.restored)] };
  if (deps.mode === 'approval') return { results: [...results, result('awaiting-approval', `${what}; waiting for a person to approve`, plan.restored)] };

  const apply = async (): Promise<Result[]> => {
    let live: BaseState & RollbackReading;
    try {
      live = await read();
    } catch (err) {
      return [result('failed', `${what}: could not re-read ${entry.resourceArn} before writing, so nothing was written: ${describeError(err)}`, plan.restored)];
    }
    const moved = movedSince(plan, planned, live);
    if (moved.length) return [result('blocked', `${what}: ${moved.join(', ')} changed since the rollback was planned; nothing was written (run the rollback again to re-plan)`, plan.restored)];
    try {
      if (Object.keys(plan.values).length) await restorer.write(clients, live, plan.values);
      if (plan.tags.remove.length || Object.keys(plan.tags.set).length) await restorer.tag(clients, live, plan.tags.set, plan.tags.remove);
    } catch (err) {
      return [result('failed', `${what}: the write failed: ${describeError(err)}`, plan.restored)];
    }
    const again = await read();
    const off = Object.entries(plan.values).filter(([k, v]) => !holds(again.values[k], v)).map(([k]) => k);
    const tagsOff = [...plan.tags.remove.filter((k) => k in again.tags), ...Object.entries(plan.tags.set).filter(([k, v]) => again.tags[k] !== v).map(([k]) => `Tags.${k}`)];
    if (off.length || tagsOff.length) return [result('failed', `${what}: wrote the old values, but ${[...off, ...tagsOff].join(', ')} still differ on re-read`, plan.restored)];

    const done = result('applied', `${what}: restored and verified`, plan.restored);
    const id = changeIdFor(undefined);
    await deps.history.put(historyEntry(done, id, { kind: 'rollback', rollbackOf: changeId }, (deps.now ?? (() => new Date()))()));
    await deps.history.markRolledBack(changeId, id);
    return [{ ...done, reason: `${done.reason} (recorded as ${id})` }];
  };
  return { results, apply };
}
