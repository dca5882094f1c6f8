/**
 * Every remediation, many seeded runs each, with the engine's clients behind the fault proxy
 * (throttling in each service's protocol, 500/503, connections dropped before and after the
 * request reached the emulator), half the runs with the SDK's retries (adaptive, 3 attempts) and half
 * with none, so the engine itself meets the faults. After each run the resource is read straight
 * from the emulator: `applied` ⇒ compliant; every `failed` reason is true about what is in place;
 * no statement of the policy before is lost; no internal error text in a reason. Then the same
 * remediation again, under faults, on the now compliant resource: no write is sent.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import {
  CATALOG,
  ClientPool,
  createClients,
  parseConfig,
  routeRunbook,
  run,
  type EngineConfig,
  type Result,
} from '@fixbridge/core';
import { createKey, createQueue, keyPolicy, REGION, uniqueName } from '../support/aws';
import { faultRates, FAULTS, prng, startFaultProxy, type Call, type Fault, type FaultProxy } from '../support/fault-proxy';
import { onEmulator } from '../support/projects';
import { createBroker, createTopic, defaultTopicStatement, servicePublisher } from '../support/sns-mq';
import { snsProducerPolicy } from '../support/sqs';
import { createdResources, directAssessment, falseInFailedReason, INTERNAL_ERROR, lostStatements, reachedEmulator, recordFigures, remediation, RUNS, SEED } from './support';

const TAGS = { team: 'unassigned', 'cost-center': '0000' };
/** A third of fixbridge's calls meet a fault. */
const RATES = { throttle: 0.08, 'error-500': 0.04, 'error-503': 0.04, 'drop-before': 0.07, 'drop-after': 0.09 };

/** A fresh non-compliant resource for each remediation (report-only ones share one broker: they never write). */
type Create = () => Promise<string>;

onEmulator('under faults: every remediation tells the truth and loses nothing', () => {
  let proxy: FaultProxy;
  let config: EngineConfig;
  const create: Record<string, Create> = {};
  const created = createdResources();

  beforeAll(async () => {
    proxy = await startFaultProxy({ target: inject('motoEndpoint'), seed: SEED });
    const key = await createKey(keyPolicy(['events.amazonaws.com']));
    config = parseConfig({
      remediations: {
        'sqs-required-tags': { tags: TAGS },
        'sns-required-tags': { tags: TAGS },
        'mq-required-tags': { tags: TAGS },
        'sns-encrypt-at-rest': { kmsKeyId: key.arn },
      },
    });
    const queue: Create = async () => {
      const name = uniqueName('faults');
      const arn = `arn:aws:sqs:${REGION}:123456789012:${name}`;
      const publicSend = { Sid: 'PublicSend', Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: arn };
      return created.track((await createQueue(name, { SqsManagedSseEnabled: 'false', Policy: snsProducerPolicy(arn, [publicSend]) }, { team: 'payments' })).arn);
    };
    const topic: Create = async () =>
      created.track(
      (
        await createTopic('faults', {
          tags: { team: 'payments' },
          statements: (arn) => [defaultTopicStatement(arn), servicePublisher(arn), { Sid: 'PublicPublish', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'SNS:Publish', Resource: arn }],
        })
      ).arn);
    const broker: Create = async () => created.track((await createBroker('faults', { Tags: { team: 'payments' } })).arn);
    let reportOnly: Promise<string> | undefined;
    const sharedBroker: Create = () => (reportOnly ??= createBroker('faults-report', { PubliclyAccessible: true }).then((b) => created.track(b.arn)));
    for (const r of CATALOG) {
      const kind = r.kind.type;
      const writes = !['mq-no-public-access', 'mq-active-standby', 'mq-rabbit-cluster', 'mq-encrypt-with-cmk'].includes(r.id);
      create[r.id] = kind === 'sqs-queue' ? queue : kind === 'sns-topic' ? topic : writes ? broker : sharedBroker;
    }
  });
  afterAll(async () => {
    await proxy.close();
    await created.deleteAll();
  });

  /** One engine run of `id` on `arn` through the proxy; the calls it sent and what the proxy did with them. */
  async function runThroughProxy(id: string, arn: string, seed: number, maxAttempts: number): Promise<{ result: Result; calls: Call[] }> {
    // With the SDK's retries every call meets faults. Without them, a fault in the first read only ends
    // the run before anything happens, so faults start at the first write: the guard's and the
    // verifying reads, the writes, and the reads that look after a failed write.
    let writing = false;
    const faulty = maxAttempts > 1 ? (c: Call) => c.fromFixbridge : (c: Call) => c.fromFixbridge && (writing ||= c.write);
    proxy.configure({ seed, decide: faultRates(RATES, faulty) });
    const from = proxy.calls.length;
    const pool = new ClientPool((region) => createClients({ region, endpoint: proxy.url, maxAttempts }));
    const [result] = await run(routeRunbook(id, arn), {
      config,
      modeOverride: 'auto',
      clientsFor: (ref) => pool.get(ref.region),
      verifyDelaysMs: [20, 50, 100],
      retryDelayMs: () => 10,
    });
    return { result: result!, calls: proxy.calls.slice(from) };
  }

  it(`runs each of the ${CATALOG.length} remediations ${RUNS} times under faults`, async () => {
    const problems: string[] = [];
    const faults = Object.fromEntries(FAULTS.filter((f) => f !== 'pass').map((f) => [f, 0])) as Record<Exclude<Fault, 'pass'>, number>;
    const per: Record<string, { runs: number; applied: number; appliedAfterFaults: number; answerLost: number; failed: number; failedButCompliant: number; other: Record<string, number> }> = {};
    let lies = 0;
    let lost = 0;
    let writesWhenCompliant = 0;
    let internal = 0;
    let sdkResends = 0;
    const failedReasons: Record<string, number> = {};
    const rand = prng(SEED);

    for (const r of CATALOG) {
      const row = (per[r.id] = { runs: 0, applied: 0, appliedAfterFaults: 0, answerLost: 0, failed: 0, failedButCompliant: 0, other: {} as Record<string, number> });
      for (let i = 0; i < RUNS; i++) {
        const arn = await create[r.id]!();
        const before = (await directAssessment(r, arn, config)).policy;
        const seed = Math.floor(rand() * 2 ** 31);
        const maxAttempts = i % 2 === 0 ? 1 : 3;
        const label = `${r.id} run ${i} (seed ${seed}, ${maxAttempts} attempts)`;
        const { result, calls } = await runThroughProxy(r.id, arn, seed, maxAttempts);
        for (const c of calls) if (c.fault !== 'pass') faults[c.fault]++;
        // A write whose answer was lost, sent again by the SDK's own retry (the same request twice).
        sdkResends += calls.filter((c, k) => c.write && calls.slice(0, k).some((p) => p.fault === 'drop-after' && p.operation === c.operation && JSON.stringify(p.params) === JSON.stringify(c.params))).length;
        const { assessment: direct, policy: after } = await directAssessment(r, arn, config);
        row.runs++;

        if (INTERNAL_ERROR.test(result.reason)) {
          internal++;
          problems.push(`${label}: internal error text in the reason: ${result.reason}`);
        }
        const gone = lostStatements(before, after, result.changes);
        if (gone.length) {
          lost += gone.length;
          problems.push(`${label}: statements lost: ${JSON.stringify(gone)}`);
        }
        if (result.status === 'applied') {
          row.applied++;
          if (calls.some((c) => c.fault !== 'pass')) row.appliedAfterFaults++;
          if (/answer was lost/.test(result.reason)) row.answerLost++;
          if (direct.kind !== 'compliant') {
            lies++;
            problems.push(`${label}: applied, but a direct re-read finds it ${direct.kind}: ${direct.reason}`);
          }
        } else if (result.status === 'failed') {
          row.failed++;
          if (direct.kind === 'compliant') row.failedButCompliant++;
          const category = result.reason.replace(/^apply failed: [^;]*/, 'apply failed').replace(/:.*$/, '').slice(0, 60);
          failedReasons[category] = (failedReasons[category] ?? 0) + 1;
          const untrue = falseInFailedReason(result, direct, calls);
          if (untrue) {
            lies++;
            problems.push(`${label}: failed reason is not true (${untrue}): ${result.reason}`);
          }
        } else {
          row.other[result.status] = (row.other[result.status] ?? 0) + 1;
          // Report-only and skipped remediations say what a fault-free read says.
          if (result.status !== direct.kind) problems.push(`${label}: ${result.status} (${result.reason}), but a direct re-read finds it ${direct.kind}`);
          if (calls.some(reachedEmulator)) problems.push(`${label}: ${result.status}, but a write reached the service`);
        }

        // Compliant now: the same remediation again, under faults, sends no write.
        if (direct.kind === 'compliant') {
          const again = await runThroughProxy(r.id, arn, seed + 1, maxAttempts);
          for (const c of again.calls) if (c.fault !== 'pass') faults[c.fault]++;
          const writes = again.calls.filter((c) => c.write);
          if (writes.length) {
            writesWhenCompliant += writes.length;
            problems.push(`${label}: compliant, yet the next run sent ${writes.map((c) => c.operation).join(', ')}`);
          }
          if (!['compliant', 'failed'].includes(again.result.status)) problems.push(`${label}: compliant, yet the next run says ${again.result.status}: ${again.result.reason}`);
          if (again.result.status === 'failed' && !/^could not read the resource: /.test(again.result.reason)) problems.push(`${label}: compliant, yet the next run failed: ${again.result.reason}`);
        }
      }
    }

    const total = (k: 'runs' | 'applied' | 'appliedAfterFaults' | 'answerLost' | 'failed' | 'failedButCompliant') => Object.values(per).reduce((n, row) => n + row[k], 0);
    recordFigures('faults', {
      remediations: CATALOG.length,
      runs: total('runs'),
      faults,
      applied: total('applied'),
      appliedAfterFaults: total('appliedAfterFaults'),
      answerLost: total('answerLost'),
      failed: total('failed'),
      failedButCompliant: total('failedButCompliant'),
      failedReasons,
      lies,
      statementsLost: lost,
      writesWhenCompliant,
      internalErrors: internal,
      sdkResends,
      perRemediation: per,
    });
    expect(problems).toEqual([]);
    // The suite exercised what it claims to: faults of every kind, and runs that still ended applied.
    for (const f of Object.keys(faults) as (keyof typeof faults)[]) expect(faults[f], f).toBeGreaterThan(0);
    expect(total('appliedAfterFaults')).toBeGreaterThan(0);
  }, 600_000);
});
