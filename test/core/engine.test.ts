/** The engine's gate / apply / verify logic, with in-memory resources (no network). */
import { expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConcurrentEditError,
  defaultConfig,
  defineKind,
  parseArn,
  planHash,
  run,
  sqsQueue,
  type AnyRemediation,
  type BaseState,
  type EngineDeps,
  type Remediation,
  type ResourceKind,
  type WorkItem,
} from '@fixbridge/core';
import { offline } from '../support/projects';

interface Box extends BaseState {
  value: string;
}

interface StoreOptions {
  /** Reads that still return the old value after a write (SQS propagates attribute changes lazily). */
  lagReads?: number;
  /** The ARN the service reports for the resource. */
  arn?: string;
  tags?: Record<string, string>;
  /** Reads (counted from 1) that fail as a throttled call does. */
  throttledReads?: number[];
}

/** A resource held in memory, whose reads can lag behind writes and which others may write too. */
function store(initial: string, opts: StoreOptions = {}) {
  let value = initial;
  let previous = initial;
  let stale = 0;
  const writes: string[] = [];
  const counts = { reads: 0, tagReads: 0 };
  /** Runs after each of fixbridge's writes: another writer's turn. */
  let afterWrite: ((value: string) => string | undefined) | undefined;
  return {
    writes,
    counts,
    get value() {
      return value;
    },
    set value(v: string) {
      value = v;
    },
    onWrite(fn: (value: string) => string | undefined) {
      afterWrite = fn;
    },
    read: async (): Promise<Box> => {
      counts.reads++;
      if (opts.throttledReads?.includes(counts.reads)) throw awsError('ThrottlingException', 'client');
      return { arn: opts.arn ?? 'arn:aws:sqs:us-east-1:123456789012:q', value: stale-- > 0 ? previous : value };
    },
    tags: async () => {
      counts.tagReads++;
      return opts.tags ?? {};
    },
    write: (v: string) => {
      writes.push(v);
      previous = value;
      value = afterWrite?.(v) ?? v;
      stale = opts.lagReads ?? 0;
    },
  };
}
type Store = ReturnType<typeof store>;

/** The in-memory resources are SQS queues as far as ARNs go; reads and writes go to `s`. */
function boxKind(s: Store) {
  return defineKind<'sqs-queue', Box, string>({
    ...(sqsQueue as unknown as ResourceKind<'sqs-queue', Box, string>),
    read: () => s.read(),
    readTags: () => s.tags(),
    applyOps: async (_clients, ops) => ops.forEach((op) => s.write(op)),
  });
}

/** Appends `want` to the value; `apply` (when given) replaces the kind's writes. */
function remediation(id: string, want: string, s: Store, apply?: Remediation<ReturnType<typeof boxKind>, { box: Box }, object, string>['apply']): AnyRemediation {
  return {
    id,
    title: `set the value to ${want}`,
    kind: boxKind(s),
    controls: { securityHub: [], qualys: [], seeds: ['test'] },
    risk: 'low',
    permissions: ['sqs:SetQueueAttributes'],
    optionsSchema: z.object({}).strict(),
    read: async (ctx) => ({ box: await ctx.resource() }),
    evaluate: ({ box }: { box: Box }) =>
      box.value.includes(want)
        ? { kind: 'compliant', reason: `value is ${box.value}` }
        : { kind: 'plan', reason: `value is ${box.value}`, changes: [{ field: 'Value', description: `append ${want}`, before: box.value, after: `${box.value}+${want}` }], ops: [`${box.value}+${want}`] },
    ...(apply ? { apply } : {}),
  };
}

const ref = parseArn('arn:aws:sqs:us-east-1:123456789012:q');
function deps(over: Partial<EngineDeps> = {}): EngineDeps {
  return { config: defaultConfig(), clientsFor: () => ({}) as never, verifyDelaysMs: [0, 0, 0], retryDelayMs: () => 0, ...over };
}
const item = (r: AnyRemediation, extra: Partial<WorkItem> = {}): WorkItem => ({ remediation: r, resourceArn: ref.arn, ref, trigger: { kind: 'runbook' }, ...extra });
/** An SDK error as the service would raise it. */
const awsError = (name: string, fault: 'client' | 'server') => Object.assign(new Error(`${name}: the service said no`), { name, $fault: fault });

offline('engine', () => {
  it('gates by mode: dry-run plans, approval files, auto writes once and verifies', async () => {
    for (const [mode, status, writes] of [['dry-run', 'planned', 0], ['approval', 'awaiting-approval', 0], ['auto', 'applied', 1]] as const) {
      const s = store('a');
      const [r] = await run([item(remediation('x', 'b', s))], deps({ modeOverride: mode }));
      expect(r).toMatchObject({ status, mode, changes: [{ before: 'a', after: 'a+b' }] });
      expect(s.writes).toHaveLength(writes);
    }
  });

  it('re-reads until a lagging write shows, then reports applied', async () => {
    const s = store('a', { lagReads: 2 });
    const [r] = await run([item(remediation('x', 'b', s))], deps({ modeOverride: 'auto' }));
    expect(r?.status).toBe('applied');
    expect(s.writes).toEqual(['a+b']);
  });

  it('fails, saying what it saw, when the write never shows', async () => {
    const s = store('a', { lagReads: 99 });
    const [r] = await run([item(remediation('x', 'b', s))], deps({ modeOverride: 'auto' }));
    expect(r).toMatchObject({ status: 'failed', reason: expect.stringContaining('still not compliant on re-read (plan: value is a)') });
  });

  it('plans the next item of a resource from the verified state, so both edits survive', async () => {
    const s = store('a', { lagReads: 1 });
    const results = await run([item(remediation('x', 'b', s)), item(remediation('y', 'c', s))], deps({ modeOverride: 'auto' }));
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(s.writes).toEqual(['a+b', 'a+b+c']);
  });

  it('the plan custom action stays dry-run even under --mode auto', async () => {
    const s = store('a');
    const [r] = await run([item(remediation('x', 'b', s), { forcedMode: 'dry-run' })], deps({ modeOverride: 'auto' }));
    expect(r).toMatchObject({ status: 'planned', mode: 'dry-run' });
  });
});

offline('engine: exemptions and reads', () => {
  it('skips an exempt resource that needs a change, and never writes', async () => {
    const s = store('a', { tags: { 'fixbridge:exempt': 'true' } });
    const [r] = await run([item(remediation('x', 'b', s))], deps({ modeOverride: 'auto' }));
    expect(r).toMatchObject({ status: 'skipped', reason: expect.stringContaining('fixbridge:exempt') });
    expect(s.writes).toEqual([]);
  });

  it('reports a compliant resource compliant, exempt or not, without reading its tags', async () => {
    const s = store('a+b', { tags: { 'fixbridge:exempt': 'true' } });
    const [r] = await run([item(remediation('x', 'b', s))], deps({ modeOverride: 'auto' }));
    expect(r).toMatchObject({ status: 'compliant' });
    expect(s.counts).toEqual({ reads: 1, tagReads: 0 });
  });

  it('reads a resource once for all its remediations, and its tags once when some need a change', async () => {
    const s = store('a');
    const results = await run([item(remediation('x', 'a', s)), item(remediation('y', 'b', s)), item(remediation('z', 'c', s))], deps());
    expect(results.map((r) => r.status)).toEqual(['compliant', 'planned', 'planned']);
    expect(s.counts).toEqual({ reads: 1, tagReads: 1 });
  });

  it('skips an item whose resource is of another kind, reading and writing nothing', async () => {
    const s = store('a');
    const topic = parseArn('arn:aws:sns:us-east-1:123456789012:alerts');
    const [r] = await run([item(remediation('x', 'b', s), { ref: topic, resourceArn: topic.arn })], deps({ modeOverride: 'auto' }));
    expect(r).toMatchObject({ status: 'skipped', reason: `${topic.arn} is an SNS topic, but x remediates SQS queue resources; nothing was read or written` });
    expect(s.counts.reads).toBe(0);
  });

  it('fails, writing nothing, when the resource read back is another account’s or region’s', async () => {
    for (const arn of ['arn:aws:sqs:us-east-1:111111111111:q', 'arn:aws:sqs:eu-west-1:123456789012:q']) {
      const s = store('a', { arn });
      const [r] = await run([item(remediation('x', 'b', s))], deps({ modeOverride: 'auto' }));
      expect(r).toMatchObject({ status: 'failed', resourceArn: ref.arn, reason: expect.stringMatching(new RegExp(`^the resource read back is ${arn}, not the requested ${ref.arn} \\(the (account|region) differs\\).*nothing was written$`)) });
      expect(s.writes).toEqual([]);
    }
  });
});

offline('engine: converging under concurrent edits', () => {
  it('re-plans from the new state when the guard finds the policy changed since it was read, then writes once', async () => {
    const s = store('a');
    let refused = false;
    const r = remediation('x', 'b', s, async (_ctx, ops) => {
      if (!refused) {
        refused = true;
        s.value = 'a+theirs'; // a person's edit landed after fixbridge read the resource
        throw new ConcurrentEditError('the queue policy changed after it was read; nothing was written');
      }
      ops.forEach((op) => s.write(op));
    });
    const [result] = await run([item(r)], deps({ modeOverride: 'auto' }));
    expect(result).toMatchObject({ status: 'applied' });
    expect(s.writes).toEqual(['a+theirs+b']); // the person's edit and fixbridge's change both survive
  });

  it('writes again, from what is there, when another writer replaced its change after it wrote', async () => {
    const s = store('a');
    let turns = 0;
    s.onWrite((v) => (turns++ === 0 ? 'a+other' : v)); // the first write is overwritten by another remediation's
    const [result] = await run([item(remediation('x', 'b', s))], deps({ modeOverride: 'auto' }));
    expect(result).toMatchObject({ status: 'applied', reason: expect.stringContaining('written 2 times') });
    expect(s.writes).toEqual(['a+b', 'a+other+b']);
    expect(s.value).toBe('a+other+b');
  });

  it('gives up after maxWriteAttempts, failing with what is there now', async () => {
    const s = store('a');
    s.onWrite(() => `a+other${s.writes.length}`); // someone always writes after fixbridge
    const [result] = await run([item(remediation('x', 'b', s))], deps({ modeOverride: 'auto', maxWriteAttempts: 3 }));
    expect(result).toMatchObject({ status: 'failed', reason: expect.stringContaining('wrote the changes 3 times, but others kept changing the resource') });
    expect(s.writes).toHaveLength(3);
  });

  it('reports compliant, writing nothing, when someone else’s edit fixed it before fixbridge could write', async () => {
    const s = store('a');
    const r = remediation('x', 'b', s, async () => {
      s.value = 'a+b';
      throw new ConcurrentEditError('the queue policy changed after it was read; nothing was written');
    });
    const [result] = await run([item(r)], deps({ modeOverride: 'auto' }));
    expect(result).toMatchObject({ status: 'compliant', reason: expect.stringContaining('nothing was written') });
    expect(s.writes).toEqual([]);
  });
});

offline('engine: after a failed write, look before reporting', () => {
  it('reports applied when the write went through but its answer was lost', async () => {
    const s = store('a');
    const r = remediation('x', 'b', s, async (_ctx, ops) => {
      ops.forEach((op) => s.write(op));
      throw awsError('InternalFailure', 'server');
    });
    const [result] = await run([item(r)], deps({ modeOverride: 'auto' }));
    expect(result).toMatchObject({ status: 'applied', reason: expect.stringContaining("the write's answer was lost (InternalFailure: the service said no), but the resource reads back compliant") });
  });

  it('says nothing was changed when the write was rejected, and the next item reads afresh', async () => {
    const s = store('a');
    const results = await run([item(remediation('x', 'b', s, async () => Promise.reject(awsError('AccessDenied', 'client')))), item(remediation('y', 'c', s))], deps({ modeOverride: 'auto' }));
    expect(results[0]).toMatchObject({ status: 'failed', changes: [{ after: 'a+b' }] });
    expect(results[0]!.reason).toBe('apply failed: AccessDenied: the service said no; nothing was changed (the resource reads back as it was before the write)');
    expect(results[1]?.status).toBe('applied');
  });

  it('says exactly which changes are in place when a plan was partly written', async () => {
    const s = store('a');
    const twoSteps: AnyRemediation = {
      ...remediation('x', 'b+c', s),
      evaluate: ({ box }: { box: Box }) => {
        const missing = ['b', 'c'].filter((w) => !box.value.split('+').includes(w));
        if (!missing.length) return { kind: 'compliant', reason: 'has b and c' };
        return { kind: 'plan', reason: `lacks ${missing.join(', ')}`, changes: missing.map((w) => ({ field: w, description: `add ${w}`, before: null, after: w })), ops: missing };
      },
      apply: async (_ctx, ops: string[]) => {
        s.write(`${s.value}+${ops[0]}`);
        throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
      },
    };
    const [result] = await run([item(twoSteps)], deps({ modeOverride: 'auto', verifyDelaysMs: [] }));
    expect(result).toMatchObject({ status: 'failed', reason: 'apply failed: TimeoutError: socket hang up; in place now: add b; not in place: add c' });
  });
});

offline('engine: reads that fail after a write', () => {
  it('verifies again when the verifying read is throttled, and reports applied', async () => {
    const s = store('a', { throttledReads: [2] }); // read 1 plans, read 2 (the verification) is throttled
    const [result] = await run([item(remediation('x', 'b', s))], deps({ modeOverride: 'auto' }));
    expect(result).toMatchObject({ status: 'applied', reason: expect.stringContaining('applied and verified') });
    expect(s.writes).toEqual(['a+b']);
  });

  it('looks again when the read after a failed write is throttled, and finds the write in place', async () => {
    const s = store('a', { throttledReads: [2] });
    const r = remediation('x', 'b', s, async (_ctx, ops) => {
      ops.forEach((op) => s.write(op));
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    });
    const [result] = await run([item(r)], deps({ modeOverride: 'auto' }));
    expect(result).toMatchObject({ status: 'applied', reason: expect.stringContaining("the write's answer was lost (socket hang up)") });
  });

  it('still fails, saying the write is in place, when the verifying read keeps failing', async () => {
    const s = store('a', { throttledReads: [2, 3, 4, 5] });
    const [result] = await run([item(remediation('x', 'b', s))], deps({ modeOverride: 'auto' }));
    expect(result).toMatchObject({ status: 'failed', reason: 'wrote the changes but could not verify them: ThrottlingException: the service said no' });
  });

  it('reads again when the read-back after a failed write assesses blocked (a read inside the remediation failed), then finds it applied', async () => {
    const s = store('a');
    let assessments = 0;
    const base = remediation('x', 'b', s, async (_ctx, ops) => {
      ops.forEach((op) => s.write(op));
      throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    });
    // The second assessment (the first read-back) cannot read what it needs, as sns-encrypt-at-rest cannot read a key policy.
    const r: AnyRemediation = { ...base, evaluate: (input, o, c) => (++assessments === 2 ? { kind: 'blocked', reason: 'cannot read the key policy (TimeoutError)' } : base.evaluate(input, o, c)) };
    const [result] = await run([item(r)], deps({ modeOverride: 'auto' }));
    expect(result).toMatchObject({ status: 'applied', reason: expect.stringContaining("the write's answer was lost") });
  });

  it('says it cannot tell what is in place when every read-back after a failed write assesses blocked', async () => {
    const s = store('a');
    let assessments = 0;
    const base = remediation('x', 'b', s, async (_ctx, ops) => {
      ops.forEach((op) => s.write(op));
      throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    });
    const r: AnyRemediation = { ...base, evaluate: (input, o, c) => (++assessments >= 2 ? { kind: 'blocked', reason: 'cannot read the key policy' } : base.evaluate(input, o, c)) };
    const [result] = await run([item(r)], deps({ modeOverride: 'auto' }));
    expect(result).toMatchObject({
      status: 'failed',
      reason: 'apply failed: TimeoutError: socket hang up; reading the resource back does not show whether the changes are in place (it reads blocked: cannot read the key policy), so some of them may be',
    });
  });

  it('does not say nothing was written when its earlier write was replaced and the re-read after a refused write fails', async () => {
    const s = store('a', { throttledReads: [3, 4, 5, 6] }); // 1 plans, 2 verifies (finds the other writer's value), 3… re-plan
    s.onWrite(() => 'a+other'); // another writer replaces fixbridge's write at once
    let writes = 0;
    const r = remediation('x', 'b', s, async (_ctx, ops) => {
      if (writes++ > 0) throw new ConcurrentEditError('the queue policy changed after it was read; nothing was written');
      ops.forEach((op) => s.write(op));
    });
    const [result] = await run([item(r)], deps({ modeOverride: 'auto' }));
    expect(result?.status).toBe('failed');
    expect(result!.reason).toContain("fixbridge's earlier write was replaced by another writer's, and nothing more was written");
    expect(result!.reason).not.toMatch(/; nothing was written$/);
  });
});

offline('engine: duplicates, locks, stopping', () => {
  it('runs the same work named twice once, and gives both items its result', async () => {
    const s = store('a');
    const r = remediation('x', 'b', s);
    const results = await run([item(r), item(r, { trigger: { kind: 'finding', findingId: 'f-2' } })], deps({ modeOverride: 'auto' }));
    expect(results.map((x) => x.status)).toEqual(['applied', 'applied']);
    expect(s.writes).toEqual(['a+b']);
  });

  it('holds each resource’s lock while its items run, and fails them, untouched, when it cannot be had', async () => {
    const s = store('a');
    const held: string[] = [];
    const locked = await run([item(remediation('x', 'b', s))], deps({ modeOverride: 'auto', lock: async (key) => (held.push(`lock ${key}`), async () => void held.push(`release ${key}`)) }));
    expect(locked[0]?.status).toBe('applied');
    expect(held).toEqual([`lock ${ref.arn}`, `release ${ref.arn}`]);

    const busy = store('a');
    const [r] = await run([item(remediation('x', 'b', busy))], deps({ modeOverride: 'auto', lock: () => Promise.reject(Object.assign(new Error('Lock file is already being held'), { code: 'ELOCKED' })) }));
    expect(r).toMatchObject({ status: 'failed', reason: expect.stringContaining('another fixbridge process kept this resource busy') });
    expect(busy.counts.reads).toBe(0);
  });

  it('once stopped, starts no further resource and says so', async () => {
    const s = store('a');
    const stop = new AbortController();
    stop.abort();
    const [r] = await run([item(remediation('x', 'b', s))], deps({ modeOverride: 'auto', signal: stop.signal }));
    expect(r).toMatchObject({ status: 'skipped', reason: 'stopped before this resource was started; nothing was read or written' });
    expect(s.counts.reads).toBe(0);
  });

});

offline('engine: approval mode', () => {
  /** A gate that records what it is asked to file and answers with a named approval. */
  function gate(fail?: Error) {
    const filed: { plan: { changes: unknown[]; ops: unknown[] }; reason: string }[] = [];
    const approvals: NonNullable<EngineDeps['approvals']> = {
      file: async (_item, plan, result) => {
        if (fail) throw fail;
        filed.push({ plan, reason: result.reason });
        return { ...result, approvalId: 'ap-aaaaaaaaaa', reason: `${result.reason}: filed as approval ap-aaaaaaaaaa` };
      },
    };
    return { filed, approvals };
  }

  it('files the plan through the gate and writes nothing', async () => {
    const s = store('a');
    const g = gate();
    const [r] = await run([item(remediation('x', 'b', s))], deps({ modeOverride: 'approval', approvals: g.approvals }));
    expect(r).toMatchObject({ status: 'awaiting-approval', approvalId: 'ap-aaaaaaaaaa', reason: expect.stringContaining('filed as approval ap-aaaaaaaaaa') });
    expect(g.filed).toEqual([{ plan: expect.objectContaining({ ops: ['a+b'] }), reason: 'value is a; waiting for a person to approve' }]);
    expect(s.writes).toEqual([]);
  });

  it('applies an approved plan once and verifies it, whatever the configured mode', async () => {
    const s = store('a');
    const r0 = remediation('x', 'b', s);
    const plan = { changes: [{ field: 'Value', description: 'append b', before: 'a', after: 'a+b' }], ops: ['a+b'] };
    const g = gate();
    const [r] = await run([item(r0, { approved: { id: 'ap-aaaaaaaaaa', planHash: planHash(plan) } })], deps({ approvals: g.approvals }));
    expect(r).toMatchObject({ status: 'applied' });
    expect(s.writes).toEqual(['a+b']);
    expect(g.filed).toEqual([]);
  });

  it('writes nothing when the resource changed since the approved plan, and files the new plan', async () => {
    const s = store('a');
    const approvedWhen = { changes: [{ field: 'Value', description: 'append b', before: 'a', after: 'a+b' }], ops: ['a+b'] };
    s.value = 'a+c'; // someone changed it after the person saw the plan
    const g = gate();
    const [r] = await run([item(remediation('x', 'b', s), { approved: { id: 'ap-aaaaaaaaaa', planHash: planHash(approvedWhen) } })], deps({ approvals: g.approvals }));
    expect(s.writes).toEqual([]);
    expect(r).toMatchObject({ status: 'awaiting-approval', reason: expect.stringMatching(/^the resource changed since the plan of approval ap-aaaaaaaaaa was made, so nothing was written; value is a\+c/) });
    expect(g.filed).toEqual([{ plan: expect.objectContaining({ ops: ['a+c+b'] }), reason: expect.any(String) }]);
  });

  it('fails, writing nothing, when the plan cannot be filed', async () => {
    const s = store('a');
    const [r] = await run([item(remediation('x', 'b', s))], deps({ modeOverride: 'approval', approvals: gate(new Error('disk full')).approvals }));
    expect(r).toMatchObject({ status: 'failed', reason: 'value is a; could not file the plan for approval (disk full), so nothing was written' });
    expect(s.writes).toEqual([]);
  });
});
