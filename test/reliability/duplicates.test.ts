/**
 * One event delivered many times at once:
 * - to the CLI: twenty `fixbridge handle` processes with the same CloudTrail event, sharing this
 *   machine's lock directory: each remediation writes at most once (writes counted at the proxy);
 * - to the deployed worker, in-process against the emulator (history table, delivery claims): the
 *   same work message in concurrent invocations, and redelivered until every one succeeds — the
 *   change is written exactly once and every delivery reports the one recorded result.
 */
import '../support/quiet-lambda';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { parseEvent, route, defaultConfig, type Result } from '@fixbridge/core';
import { messageGroupId, toWorkMessage } from '@fixbridge/core/hub';
import { engineRuntime } from '../../packages/functions/src/engine-runtime';
import { createWorker } from '../../packages/functions/src/worker';
import { createQueue, queueArn, recordingPool, spawnCli, uniqueName } from '../support/aws';
import { createHub, lambdaContext, sqsEvent, UNENCRYPTED } from '../support/deploy';
import { startFaultProxy, type Call, type FaultProxy } from '../support/fault-proxy';
import { sqsCloudTrailEvent } from '../support/fixtures';
import { onEmulator } from '../support/projects';
import { sqsWritesIn } from '../support/sqs';
import { createdResources, directAssessment, recordFigures, remediation } from './support';

/** Processes started at once with the same event. */
const CLI_DUPLICATES = 20;
/** Concurrent worker invocations with the same work message. */
const WORKER_DUPLICATES = 8;

/** Which remediation a write belongs to, from what it writes (each SQS remediation writes its own attributes). */
function writer(c: Call): string {
  if (c.operation === 'CreateQueue') return 'sqs-dead-letter-queue (create)';
  if (c.operation === 'TagQueue') return 'sqs-required-tags';
  const attributes = Object.keys((c.params.Attributes ?? {}) as object);
  if (attributes.includes('RedrivePolicy')) return 'sqs-dead-letter-queue';
  if (attributes.some((a) => /Kms|SqsManagedSse/.test(a))) return 'sqs-encrypt-at-rest';
  return attributes.includes('Policy') ? 'policy' : attributes.join(',');
}

onEmulator('duplicates: one event delivered many times at once', () => {
  let proxy: FaultProxy;
  const figures: Record<string, unknown> = {};
  const created = createdResources();
  beforeAll(async () => {
    proxy = await startFaultProxy({ target: inject('motoEndpoint'), latencyMs: (c) => (c.fromFixbridge ? 5 : 0) });
  });
  afterAll(async () => {
    await proxy.close();
    await created.deleteAll();
    recordFigures('duplicates', figures);
  });

  it(`${CLI_DUPLICATES} fixbridge processes with the same CloudTrail event write each change at most once`, async () => {
    const name = uniqueName('dup');
    const arn = created.track(queueArn(name));
    const publicSend = { Sid: 'PublicSend', Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: arn };
    await createQueue(name, { ...UNENCRYPTED, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [publicSend] }) });
    const event = JSON.stringify(sqsCloudTrailEvent(name));
    const lockDir = mkdtempSync(join(tmpdir(), 'fixbridge-locks-'));
    const from = proxy.calls.length;

    const runs = await Promise.all(
      Array.from({ length: CLI_DUPLICATES }, () => spawnCli(['handle', '--event', '-', '--mode', 'auto', '--json'], event, { AWS_ENDPOINT_URL: proxy.url, FIXBRIDGE_LOCK_DIR: lockDir })),
    );
    const results = runs.flatMap((run) => (run.code === 0 || run.code === 1 ? (JSON.parse(run.stdout) as { results: Result[] }).results : []));
    const writes = proxy.calls.slice(from).filter((c) => c.fromFixbridge && c.write);
    const byWriter: Record<string, number> = {};
    for (const c of writes) byWriter[writer(c)] = (byWriter[writer(c)] ?? 0) + 1;
    const statuses: Record<string, number> = {};
    for (const r of results) statuses[`${r.remediation} ${r.status}`] = (statuses[`${r.remediation} ${r.status}`] ?? 0) + 1;
    figures.cli = { processes: CLI_DUPLICATES, writes: writes.length, byWriter, statuses };
    for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0 });

    // The first process to hold the queue's lock fixes it; the others find it compliant.
    for (const id of ['sqs-encrypt-at-rest', 'sqs-require-tls', 'sqs-block-public-access', 'sqs-dead-letter-queue']) {
      expect(statuses[`${id} applied`], id).toBe(1);
      expect(statuses[`${id} compliant`], id).toBe(CLI_DUPLICATES - 1);
      expect((await directAssessment(remediation(id), arn, defaultConfig())).assessment.kind, id).toBe('compliant');
    }
    expect(byWriter).toEqual({ 'sqs-encrypt-at-rest': 1, 'sqs-dead-letter-queue (create)': 1, 'sqs-dead-letter-queue': 1, policy: 2 });
  }, 240_000);

  it(`the deployed worker given one work message ${WORKER_DUPLICATES} times at once writes it exactly once`, async () => {
    const hub = await createHub({ mode: 'auto' });
    const q = await createQueue(uniqueName('dup-hub'));
    created.track(q.arn);
    const [item] = route(parseEvent(sqsCloudTrailEvent(q.name)), defaultConfig()).filter((i) => i.remediation?.id === 'sqs-require-tls');
    const { pool, calls } = recordingPool();
    const runtime = await engineRuntime(hub.env);
    const worker = createWorker(async () => ({ ...runtime, deps: { ...runtime.deps, engine: { ...runtime.deps.engine, clientsFor: (ref) => pool.get(ref.region) } } }));
    const message = { MessageId: 'm-1', ReceiptHandle: 'r-1', Body: JSON.stringify(toWorkMessage(item!)), Attributes: { MessageGroupId: messageGroupId(item!.ref!) } };
    const deliverOnce = () => worker(sqsEvent([message], hub.work.arn), lambdaContext());

    // Concurrent deliveries: one claims the work; the others are told to come back (a batch item failure).
    const first = await Promise.all(Array.from({ length: WORKER_DUPLICATES }, deliverOnce));
    const retried = first.filter((r) => r.batchItemFailures.length > 0).length;
    expect(WORKER_DUPLICATES - retried).toBeGreaterThanOrEqual(1);
    // SQS redelivers each failed one until it succeeds: each finds the recorded result.
    let redeliveries = 0;
    for (let pending = retried; pending > 0; pending--) {
      for (let attempt = 0; ; attempt++) {
        redeliveries++;
        if ((await deliverOnce()).batchItemFailures.length === 0) break;
        expect(attempt, 'a redelivery keeps failing').toBeLessThan(20);
      }
    }
    const policyWrites = sqsWritesIn(calls);
    figures.worker = { deliveries: WORKER_DUPLICATES, toldToComeBack: retried, redeliveries, writes: policyWrites.length };
    expect(policyWrites).toEqual(['SetQueueAttributesCommand']);
    expect((await directAssessment(remediation('sqs-require-tls'), q.arn, defaultConfig())).assessment.kind).toBe('compliant');
  }, 120_000);
});
