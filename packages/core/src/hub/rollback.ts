/**
 * Rollback: write each change's `before` back, for a change the engine applied. A rollback is a
 * plan like any other: it goes through the engine's gate (dry-run unless the mode is `auto`), its
 * writes are the resource kind's own ops, and it is verified by reading the resource again. A
 * change is restored only while the resource still holds its `after` value, so a later edit by
 * someone else is never overwritten: it is checked when the rollback is planned, and again on the
 * engine's fresh read right before the write. Changes that cannot be undone (a created queue, a
 * reboot) are refused with the reason, as a `blocked` result of their own.
 */
import { z } from 'zod';
import type { Clients } from '../aws/clients';
import { findRemediation } from '../catalog';
import { defaultConfig } from '../config';
import { run } from '../engine';
import { describeError, InputError } from '../errors';
import { canonicalPolicyText } from '../policy';
import { kindOf, parseArn } from '../resources';
import { attributeText, type AnyKind, type Restorer, type Tags, type Values } from '../resources/kind';
import { makeResult, type Change, type Mode, type Result } from '../results';
import type { ResourceRef } from '../arn';
import { defineRemediation, type AnyRemediation, type ControlMapping } from '../remediations/types';
import type { WorkItem } from '../routing';
import { historyEntry, type HistoryEntry, type HistoryStore } from './history';
import { changeIdFor } from './work-message';

const IRREVERSIBLE: Record<string, string> = {
  DeadLetterQueue: 'fixbridge created this queue and does not delete queues; delete it by hand once nothing sends to it',
  BrokerState: 'a reboot cannot be undone',
  LogsResourcePolicy: 'the CloudWatch Logs resource policy lets every Amazon MQ broker of the account write its logs; fixbridge does not remove it (aws logs delete-resource-policy, once no broker needs it)',
};

/** JSON text parsed, empty values as null, object keys sorted: values equal by meaning compare equal. */
export function canonical(v: unknown): string {
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
export function planRollback(changes: Change[], restorer: Pick<Restorer<unknown, unknown>, 'writable'>, current: Values, tags: Record<string, string>, label: string): RollbackPlan {
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
      // The statement fixbridge wrote, where it wrote it (an equal statement elsewhere is someone else's); else wherever it moved.
      const at = Number(/\[(\d+)\]$/.exec(c.field)![1]);
      const i = canonical(policy.Statement[at]) === canonical(c.after) ? at : policy.Statement.findIndex((s) => canonical(s) === canonical(c.after));
      if (i < 0) refuse('the statement fixbridge wrote is no longer in the policy; not restored');
      else {
        if (c.before === null || c.before === undefined) policy.Statement.splice(i, 1);
        else policy.Statement[i] = c.before;
        plan.values.Policy = policy;
      }
    } else if (!restorer.writable.has(c.field)) {
      refuse(`fixbridge cannot write ${c.field} of an ${label}`);
    } else if (!holds(current[c.field], c.after)) {
      refuse(`changed since fixbridge wrote it (now ${attributeText(current[c.field]) || 'empty'}); not restored`);
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
  const same = (k: string) => (k === 'Policy' ? canonicalPolicyText(attributeText(then.values.Policy)) === canonicalPolicyText(attributeText(now.values.Policy)) : canonical(then.values[k]) === canonical(now.values[k]));
  const tags = [...plan.tags.remove, ...Object.keys(plan.tags.set)].filter((t) => then.tags[t] !== now.tags[t]).map((t) => `Tags.${t}`);
  return [...Object.keys(plan.values).filter((k) => !same(k)), ...tags];
}

export interface RollbackDeps {
  history: HistoryStore;
  clientsFor(ref: ResourceRef): Promise<Clients> | Clients;
  mode: Mode;
  now?: () => Date;
  /** The engine's waits between verifying re-reads (default: the engine's). */
  verifyDelaysMs?: readonly number[];
}

/** A rollback read and planned: the results known so far and, in auto mode with something to restore, the guarded write. */
export interface PreparedRollback {
  results: Result[];
  /** Runs the rollback through the engine: re-reads the resource and writes only if nothing the plan writes moved since it was planned. */
  apply?: () => Promise<Result[]>;
}

/** Roll back one recorded change. An unknown or malformed change id is an `InputError`. */
export async function rollback(changeId: string, deps: RollbackDeps): Promise<Result[]> {
  const { results, apply } = await prepareRollback(changeId, deps);
  return [...results, ...(apply ? await apply() : [])];
}

/** The controls of the recorded remediation (from the catalog, else from the row's labels). */
function controlsOf(entry: HistoryEntry): ControlMapping {
  const known = entry.remediation ? findRemediation(entry.remediation) : undefined;
  if (known) return known.controls;
  const of = (prefix: string) => entry.controls.filter((c) => c.startsWith(prefix)).map((c) => c.slice(prefix.length));
  return { securityHub: of('SecurityHub:'), qualys: of('Qualys:'), seeds: [] };
}

/** True when the resource holds every change's `before` again. */
function restoredAll(changes: Change[], current: Values, tags: Tags): boolean {
  return changes.every((c) => {
    const tag = /^Tags\.(.+)$/.exec(c.field)?.[1];
    if (tag !== undefined) return c.before === null || c.before === undefined ? !(tag in tags) : tags[tag] === String(c.before);
    if (/^Policy\.Statement\[\d+\]$/.test(c.field)) {
      const statements = policyOf(current.Policy).Statement.map(canonical);
      return !statements.includes(canonical(c.after)) && (c.before === null || c.before === undefined || statements.includes(canonical(c.before)));
    }
    return holds(current[c.field], c.before ?? null);
  });
}

/**
 * The rollback of `entry`'s `changes` as a remediation of the resource's kind: it plans the kind's
 * writes of each `before`; it is compliant once every `before` is back, and blocked when a setting
 * it writes moved since `planned` (the reading the person saw).
 */
function rollbackRemediation(entry: HistoryEntry, kind: AnyKind, changes: Change[], what: string, planned?: { plan: RollbackPlan; reading: RollbackReading }): AnyRemediation {
  return defineRemediation({
    id: entry.remediation ?? 'rollback',
    title: `roll back ${entry.changeId}`,
    kind,
    controls: controlsOf(entry),
    risk: 'low',
    permissions: [],
    optionsSchema: z.object({}).strict(),
    async read(ctx) {
      const state = await ctx.resource();
      return { state, reading: { values: kind.restorer.current(state), tags: await ctx.tags() } as RollbackReading };
    },
    evaluate({ state, reading }) {
      if (restoredAll(changes, reading.values, reading.tags)) return { kind: 'compliant', reason: 'restored' };
      const plan = planRollback(changes, kind.restorer, reading.values, reading.tags, kind.label);
      const moved = planned ? movedSince(planned.plan, planned.reading, reading) : [];
      if (moved.length || plan.refused.length) {
        const why = moved.length ? `${moved.join(', ')} changed since the rollback was planned` : plan.refused.map((r) => r.reason).join('; ');
        return { kind: 'blocked', reason: `${what}: ${why}; nothing was written (run the rollback again to re-plan)` };
      }
      const ops = [...kind.restorer.write(state, plan.values, reading.values), ...kind.restorer.tag(state, plan.tags.set, plan.tags.remove)];
      return { kind: 'plan', reason: what, changes: plan.restored, ops: ops.filter((op) => !(isWriteOfNothing(op))) };
    },
  });
}

/** A write op whose values are empty (only tags restored). */
function isWriteOfNothing(op: unknown): boolean {
  const o = op as { attributes?: object; logs?: unknown; autoMinorVersionUpgrade?: unknown; kind?: string };
  if (o.kind === 'set-attributes') return Object.keys(o.attributes ?? {}).length === 0;
  if (o.kind === 'update') return o.logs === undefined && o.autoMinorVersionUpgrade === undefined;
  return false;
}

export async function prepareRollback(changeId: string, deps: RollbackDeps): Promise<PreparedRollback> {
  const entry = await deps.history.get(changeId);
  if (!entry) throw new InputError(`no change ${changeId} in history table ${deps.history.table}`);
  const only = (status: 'blocked' | 'failed', reason: string, changes: Change[] = []): PreparedRollback => ({
    results: [makeResult({ remediation: entry.remediation, controls: entry.controls, resourceArn: entry.resourceArn, mode: deps.mode, changes, reason }, status)],
  });
  if (entry.status !== 'applied') return only('blocked', `change ${changeId} was never applied (its status is ${entry.status}); there is nothing to roll back`);
  if (entry.rolledBackBy) return only('blocked', `change ${changeId} was already rolled back by ${entry.rolledBackBy}`);

  const ref = parseArn(entry.resourceArn);
  const kind = kindOf(ref.type);
  let planned: RollbackReading;
  try {
    const clients = await deps.clientsFor(ref);
    const state = await kind.read(clients, ref);
    planned = { values: kind.restorer.current(state), tags: await kind.readTags(clients, state) };
  } catch (err) {
    return only('failed', `could not read ${entry.resourceArn}: ${describeError(err)}`);
  }
  const plan = planRollback(entry.changes, kind.restorer, planned.values, planned.tags, kind.label);
  const results: Result[] = plan.refused.length
    ? only('blocked', plan.refused.map((r) => r.reason).join('; '), plan.refused.map((r) => r.change)).results
    : [];
  if (!plan.restored.length) return { results };

  const what = `roll back ${changeId} (${entry.remediation} at ${entry.time})`;
  const restorable = entry.changes.filter((c) => !plan.refused.some((r) => r.change === c));
  const trigger = { kind: 'rollback' as const, rollbackOf: changeId };
  const engine = { config: defaultConfig(), clientsFor: deps.clientsFor, ...(deps.verifyDelaysMs ? { verifyDelaysMs: deps.verifyDelaysMs } : {}) };
  const item = (mode: Mode, seen?: { plan: RollbackPlan; reading: RollbackReading }): WorkItem => ({
    remediation: rollbackRemediation(entry, kind, restorable, what, seen),
    resourceArn: ref.arn,
    ref,
    trigger,
    forcedMode: mode,
  });
  if (deps.mode !== 'auto') {
    const hint = (r: Result) => (r.status === 'planned' ? { ...r, reason: `${r.reason} (use --mode auto to apply)` } : r);
    return { results: [...results, ...(await run([item(deps.mode)], engine)).map(hint)] };
  }

  const apply = async (): Promise<Result[]> => {
    const [done] = (await run([item('auto', { plan, reading: planned })], engine)) as [Result];
    if (done.status !== 'applied') return [done];
    const id = changeIdFor(undefined);
    await deps.history.put(historyEntry(done, id, trigger, (deps.now ?? (() => new Date()))()));
    await deps.history.markRolledBack(changeId, id);
    return [{ ...done, reason: `${done.reason} (recorded as ${id})` }];
  };
  return { results, apply };
}
