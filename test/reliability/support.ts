/**
 * What the reliability suites share: how many runs, where their figures go, the direct re-read of a
 * resource (straight to the emulator, never through the proxy), and the checks that a result tells
 * the truth about what is in place.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CATALOG,
  createClients,
  findRemediation,
  optionsOf,
  parseArn,
  statementsOf,
  type AnyRemediation,
  type Assessment,
  type EngineConfig,
  type PolicyDocument,
  type Result,
} from '@fixbridge/core';
import { DeleteBrokerCommand } from '@aws-sdk/client-mq';
import { DeleteTopicCommand } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { REGION, ROOT } from '../support/aws';
import type { Call } from '../support/fault-proxy';

/**
 * Runs of each remediation under faults, rounds of each race. Raise it locally:
 * `FIXBRIDGE_RELIABILITY_RUNS=50 npm run reliability`.
 */
export const RUNS = Number(process.env.FIXBRIDGE_RELIABILITY_RUNS) || 3;
/** Rounds of each two-process race (each round starts two real fixbridge processes). */
export const ROUNDS = Number(process.env.FIXBRIDGE_RELIABILITY_RUNS) || 2;
/** The seed every PRNG of the suite derives from (`FIXBRIDGE_RELIABILITY_SEED` to explore others). */
export const SEED = Number(process.env.FIXBRIDGE_RELIABILITY_SEED) || 20261102;

/** Figures of one suite, for `npm run reliability` (scripts/reliability.ts turns them into the README table). */
export function recordFigures(suite: string, figures: Record<string, unknown>): void {
  const dir = join(ROOT, '.cache', 'reliability');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${suite}.json`), JSON.stringify({ suite, runs: RUNS, seed: SEED, ...figures }, null, 2) + '\n');
}

export function readFigures(suite: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(join(ROOT, '.cache', 'reliability', `${suite}.json`), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export const remediation = (id: string): AnyRemediation => {
  const r = findRemediation(id, CATALOG);
  if (!r) throw new Error(`no remediation ${id}`);
  return r;
};

/** The remediation's verdict on the resource as the emulator holds it now (no proxy, no fault). */
export async function directAssessment(r: AnyRemediation, arn: string, config: EngineConfig): Promise<{ assessment: Assessment<unknown>; policy: PolicyDocument | null }> {
  const clients = createClients({ region: REGION });
  const ref = parseArn(arn);
  const state = await r.kind.read(clients, ref);
  const options = optionsOf(config, r);
  const input = await r.read({ ref, clients, resource: async () => state, tags: () => r.kind.readTags(clients, state) }, options);
  return { assessment: r.evaluate(input, options, config), policy: (state as { policy?: PolicyDocument | null }).policy ?? null };
}

/** JSON with sorted keys: statements equal by content compare equal. */
export function canonical(v: unknown): string {
  const sort = (y: unknown): unknown =>
    Array.isArray(y) ? y.map(sort) : y && typeof y === 'object' ? Object.fromEntries(Object.keys(y).sort().map((k) => [k, sort((y as Record<string, unknown>)[k])])) : y;
  return JSON.stringify(sort(v));
}

/**
 * The statements of `before` that are in `after` neither as they were nor as a change of `changes`
 * made them (a scoped public statement is kept, changed as the result says).
 */
export function lostStatements(before: PolicyDocument | null, after: PolicyDocument | null, changes: Result['changes']): unknown[] {
  const now = new Set(statementsOf(after).map(canonical));
  return statementsOf(before).filter((s) => {
    if (now.has(canonical(s))) return false;
    return !changes.some((c) => canonical(c.before) === canonical(s) && now.has(canonical(c.after)));
  });
}

/** Texts that only an internal error (a bug) puts into a reason. */
export const INTERNAL_ERROR = /TypeError|ReferenceError|SyntaxError|RangeError|Cannot read propert|undefined is not|is not a function|is not iterable|\[object Object\]|\n\s+at /;

/** A write that reached the emulator (answered, or done with its answer lost). */
export const reachedEmulator = (c: Call) => c.write && (c.fault === 'pass' || c.fault === 'drop-after');

/**
 * Whether a `failed` result's reason is true about what is in place now (`direct`: the remediation's
 * verdict on a direct re-read; `calls`: what the proxy saw during the run). Undefined when it is
 * true; otherwise what is false about it.
 */
export function falseInFailedReason(result: Result, direct: Assessment<unknown>, calls: Call[]): string | undefined {
  const reason = result.reason;
  const wrote = calls.some(reachedEmulator);
  const pending = direct.kind === 'plan' ? direct.changes : [];
  const inPlace = (c: Result['changes'][number]) => direct.kind === 'compliant' || !pending.some((p) => p.field === c.field && canonical(p.after) === canonical(c.after));
  // Hedged: true whatever is there.
  if (/re-reading the resource to see what is in place failed too .*some of the changes may be in place/.test(reason)) return undefined;
  if (/reading the resource back does not show whether the changes are in place .*so some of them may be$/.test(reason)) return undefined;
  if (/; nothing was (changed|written)/.test(reason)) {
    if (!wrote) return undefined;
    // A write reached the emulator; it may still have changed nothing of this plan (rejected there).
    return result.changes.some(inPlace) ? `says nothing was changed, but ${result.changes.filter(inPlace).map((c) => c.description).join('; ')} is in place` : undefined;
  }
  const partly = /; in place now: (.*); not in place: (.*)$/.exec(reason);
  if (partly) {
    const [, said, saidNot] = partly as unknown as [string, string, string];
    for (const c of result.changes) {
      if (inPlace(c) && !said.includes(c.description)) return `does not say that ${c.description} is in place`;
      if (!inPlace(c) && !saidNot.includes(c.description)) return `does not say that ${c.description} is not in place`;
    }
    return undefined;
  }
  const now = /; the resource now reads ([a-z-]+): /.exec(reason);
  if (now) return now[1] === direct.kind ? undefined : `says the resource reads ${now[1]}, but it reads ${direct.kind}`;
  if (/^wrote the changes/.test(reason)) {
    if (!wrote) return 'says it wrote, but no write reached the service';
    if (/still not compliant on re-read|not compliant now/.test(reason) && direct.kind === 'compliant') return 'says the resource is not compliant, but it is';
    return undefined;
  }
  // Only that the write failed: true when nothing of it is in place, silent about a write that is otherwise.
  if (/^apply failed: [^;]*$/.test(reason)) {
    const silent = result.changes.filter(inPlace);
    return silent.length ? `says only that the write failed, but ${silent.map((c) => c.description).join('; ')} is in place` : undefined;
  }
  if (/^could not read the resource: /.test(reason)) return wrote ? 'says only that the read failed, but a write reached the service' : undefined;
  if (/^the resource kept changing while fixbridge tried to write it/.test(reason)) return undefined;
  return `a failed reason the suite does not know how to check: ${reason}`;
}

/**
 * Resources a suite created, deleted in its afterAll: the emulator is shared by every test file of
 * a run, and the sweep's test lists every resource in it.
 */
export function createdResources() {
  const arns = new Set<string>();
  return {
    track<T extends string>(arn: T): T {
      arns.add(arn);
      return arn;
    },
    async deleteAll(): Promise<void> {
      const c = createClients({ region: REGION });
      const name = (arn: string) => arn.split(':').pop()!;
      const deletions = [...arns].flatMap((arn): Promise<unknown>[] => {
        if (arn.includes(':sqs:')) {
          return [name(arn), `${name(arn)}-dlq`].map(async (q) => {
            const url = await c.sqs.send(new GetQueueUrlCommand({ QueueName: q })).then((o) => o.QueueUrl, () => undefined);
            if (url) await c.sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
          });
        }
        if (arn.includes(':sns:')) return [c.sns.send(new DeleteTopicCommand({ TopicArn: arn }))];
        return [c.mq.send(new DeleteBrokerCommand({ BrokerId: name(arn) }))];
      });
      await Promise.allSettled(deletions);
      arns.clear();
    },
  };
}
