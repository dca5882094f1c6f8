/**
 * Concurrent edits of one policy, against the emulator with latency on every call:
 * - two remediations of one queue (sqs-require-tls, sqs-block-public-access) and of one topic
 *   (sns-require-tls, sns-block-public-access) started together by two real `fixbridge` processes,
 *   each with its own lock directory (two machines: the per-resource lock cannot serialize them, the
 *   converge loop has to), and once sharing one (they take turns): both end `applied`, with both
 *   changes and every statement of the policy before in place;
 * - a person's policy edit landing between fixbridge's read and its write, and one landing after
 *   fixbridge's write from the person's stale copy: both fixbridge's change and the person's edit survive.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { SetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { ClientPool, createClients, defaultConfig, statementsOf, type PolicyDocument, type Result } from '@fixbridge/core';
import { cli, createQueue, REGION, seedClients, spawnCli, uniqueName, type CliRun } from '../support/aws';
import { startFaultProxy, type Call, type FaultProxy } from '../support/fault-proxy';
import { onEmulator } from '../support/projects';
import { createTopic, defaultTopicStatement, servicePublisher } from '../support/sns-mq';
import { snsProducerPolicy } from '../support/sqs';
import { canonical, createdResources, directAssessment, lostStatements, recordFigures, remediation, ROUNDS } from './support';

const created = createdResources();

/** Latency the proxy adds to each of fixbridge's calls. */
const LATENCY_MS = 25;

interface Target {
  kind: 'queue' | 'topic';
  arn: string;
  /** fixbridge's first call for this resource (the start line of a race). */
  isFirstCall: (c: Call) => boolean;
  /** fixbridge's read of the resource's whole state (the policy among it). */
  isStateRead: (c: Call) => boolean;
  /** The policy, straight from the emulator. */
  policy: () => Promise<PolicyDocument | null>;
  /** Write a policy as a person does (no fixbridge user agent, straight to the emulator). */
  setPolicy: (doc: PolicyDocument) => Promise<void>;
  remediations: [string, string];
}

async function newQueue(): Promise<Target> {
  const name = uniqueName('race');
  const arn = `arn:aws:sqs:${REGION}:123456789012:${name}`;
  const publicSend = { Sid: 'PublicSend', Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: arn };
  const { url } = await createQueue(name, { Policy: snsProducerPolicy(arn, [publicSend]) });
  created.track(arn);
  const r = remediation('sqs-require-tls');
  return {
    kind: 'queue',
    arn,
    isFirstCall: (c) => c.fromFixbridge && c.operation === 'GetQueueUrl' && c.params.QueueName === name,
    isStateRead: (c) => c.fromFixbridge && c.operation === 'GetQueueAttributes' && String(c.params.QueueUrl).endsWith(`/${name}`),
    policy: async () => (await directAssessment(r, arn, defaultConfig())).policy,
    setPolicy: async (doc) => void (await seedClients().sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: JSON.stringify(doc) } }))),
    remediations: ['sqs-require-tls', 'sqs-block-public-access'],
  };
}

async function newTopic(): Promise<Target> {
  const { arn } = await createTopic('race', {
    statements: (a) => [defaultTopicStatement(a), servicePublisher(a), { Sid: 'PublicPublish', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'SNS:Publish', Resource: a }],
  });
  created.track(arn);
  const r = remediation('sns-require-tls');
  return {
    kind: 'topic',
    arn,
    isFirstCall: (c) => c.fromFixbridge && c.operation === 'GetTopicAttributes' && c.params.TopicArn === arn,
    isStateRead: (c) => c.fromFixbridge && c.operation === 'GetTopicAttributes' && c.params.TopicArn === arn,
    policy: async () => (await directAssessment(r, arn, defaultConfig())).policy,
    setPolicy: async (doc) => void (await seedClients().sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: 'Policy', AttributeValue: JSON.stringify(doc) }))),
    remediations: ['sns-require-tls', 'sns-block-public-access'],
  };
}

/** Holds the calls `matches` selects until `n` of them have arrived, then lets them all go at once. */
function startLine(n: number, matches: (c: Call) => boolean): (c: Call) => Promise<void> {
  const waiting: (() => void)[] = [];
  let open = false;
  return async (c) => {
    if (open || !matches(c)) return;
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (waiting.length >= n) {
        open = true;
        waiting.splice(0).forEach((go) => go());
      }
    });
  };
}

const results = (run: CliRun): Result[] => (JSON.parse(run.stdout) as { results: Result[] }).results;

onEmulator('races: concurrent edits of one policy converge', () => {
  let proxy: FaultProxy;
  const figures = { rounds: 0, sharedLockRounds: 0, bothApplied: 0, writes: 0, rewrites: 0, statementsLost: 0, personRounds: 0, personEditKept: 0 };
  beforeAll(async () => {
    proxy = await startFaultProxy({ target: inject('motoEndpoint'), latencyMs: (c) => (c.fromFixbridge ? LATENCY_MS : 0) });
  });
  afterAll(async () => {
    await proxy.close();
    await created.deleteAll();
    recordFigures('races', { latencyMs: LATENCY_MS, ...figures });
  });

  /** Both remediations of `t` from two processes at once; `lockDirs`: one per process, or one shared. */
  async function race(t: Target, lockDirs: [string, string], startTogether: boolean) {
    const before = await t.policy();
    proxy.configure({ before: startTogether ? startLine(2, t.isFirstCall) : undefined });
    const from = proxy.calls.length;
    const runs = await Promise.all(
      t.remediations.map((id, i) =>
        spawnCli(['run', id, '--resource', t.arn, '--mode', 'auto', '--json'], '', { AWS_ENDPOINT_URL: proxy.url, FIXBRIDGE_LOCK_DIR: lockDirs[i]!, AWS_SDK_UA_APP_ID: `process-${i}` }),
      ),
    );
    proxy.configure({ before: undefined });
    const calls = proxy.calls.slice(from).filter((c) => c.fromFixbridge);
    const writes = calls.filter((c) => c.write).length;
    // Which process called, in order, runs of one process counted once: 2 when they took turns.
    const turns = calls.map((c) => c.appId).filter((id, k, all) => k === 0 || id !== all[k - 1]).length;
    figures.rounds++;
    figures.writes += writes;
    figures.rewrites += writes - 2;
    for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0 });
    const [a, b] = runs.map((run) => results(run)[0]!);
    expect([a!, b!].map((r) => `${r.remediation} ${r.status}`), `${a!.reason}\n${b!.reason}`).toEqual(t.remediations.map((id) => `${id} applied`));
    figures.bothApplied++;
    // Both changes are in place, and nothing of the policy before was lost.
    for (const id of t.remediations) expect((await directAssessment(remediation(id), t.arn, defaultConfig())).assessment.kind, id).toBe('compliant');
    const gone = lostStatements(before, await t.policy(), [...a!.changes, ...b!.changes]);
    figures.statementsLost += gone.length;
    expect(gone).toEqual([]);
    return { turns };
  }

  const machines = (): [string, string] => [mkdtempSync(join(tmpdir(), 'fixbridge-machine-a-')), mkdtempSync(join(tmpdir(), 'fixbridge-machine-b-'))];

  for (const make of [newQueue, newTopic]) {
    const kind = make === newQueue ? 'queue' : 'topic';
    it(`two processes on two machines remediate one ${kind} at once, ${ROUNDS} rounds: both applied, both changes in place`, async () => {
      for (let round = 0; round < ROUNDS; round++) await race(await make(), machines(), true);
    }, 240_000);

    it(`two processes sharing a lock directory take turns on one ${kind}: both applied`, async () => {
      const shared = mkdtempSync(join(tmpdir(), 'fixbridge-machine-'));
      const { turns } = await race(await make(), [shared, shared], false);
      figures.sharedLockRounds++;
      expect(turns, 'the calls of the two processes interleave').toBe(2);
    }, 120_000);
  }

  /**
   * A person's edit: their own statement added to the policy, applied straight to the emulator when
   * the proxy sees fixbridge's next call after its state read (`between` its read and its write: the
   * tags for the exemption, or the guard's re-read), or after its write (`after-write`, from the copy
   * the person read before fixbridge wrote: fixbridge's change vanishes, as in a lost update).
   */
  function personEdit(t: Target, when: 'between' | 'after-write', stale: PolicyDocument | null) {
    const person = { Sid: 'PersonAllowsAudit', Effect: 'Allow' as const, Principal: { AWS: 'arn:aws:iam::123456789012:role/audit' }, Action: t.kind === 'queue' ? 'sqs:GetQueueAttributes' : 'SNS:GetTopicAttributes', Resource: t.arn };
    let phase: 'waiting' | 'armed' | 'done' = 'waiting';
    const hook = async (c: Call) => {
      if (!c.fromFixbridge || phase === 'done') return;
      if (phase === 'waiting') {
        if (when === 'between' ? t.isStateRead(c) : c.write) phase = 'armed';
        return;
      }
      phase = 'done';
      const base = when === 'between' ? await t.policy() : stale;
      await t.setPolicy({ Version: '2012-10-17', ...(base ?? {}), Statement: [...statementsOf(base), person] });
    };
    return { person, hook, landed: () => phase === 'done' };
  }

  for (const make of [newQueue, newTopic]) {
    const kind = make === newQueue ? 'queue' : 'topic';
    for (const id of kind === 'queue' ? ['sqs-require-tls', 'sqs-block-public-access'] : ['sns-require-tls', 'sns-block-public-access']) {
      it(`${id}: a person's edit between fixbridge's read and its write, and one after its write from a stale copy, both survive`, async () => {
        for (const when of ['between', 'after-write'] as const) {
          const t = await make();
          const before = await t.policy();
          const edit = personEdit(t, when, before);
          const pool = new ClientPool((region) => createClients({ region, endpoint: proxy.url }));
          proxy.configure({ before: edit.hook });
          const run = await cli(['run', id, '--resource', t.arn, '--mode', 'auto', '--json'], '', pool);
          proxy.configure({ before: undefined });
          figures.personRounds++;
          expect(edit.landed(), when).toBe(true);
          expect(run.code, run.stderr).toBe(0);
          const [result] = results(run);
          expect(result, when).toMatchObject({ status: 'applied' });
          expect((await directAssessment(remediation(id), t.arn, defaultConfig())).assessment.kind, when).toBe('compliant');
          expect(statementsOf(await t.policy()).map(canonical), `${when}: the person's statement`).toContain(canonical(edit.person));
          figures.personEditKept++;
          expect(lostStatements(before, await t.policy(), result!.changes), when).toEqual([]);
        }
      }, 60_000);
    }
  }
});
