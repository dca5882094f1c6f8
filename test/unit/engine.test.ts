/** The engine's gate / apply / verify logic, with in-memory resources (no network). */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defaultConfig, parseArn, runItems, type BaseState, type EngineDeps, type Remediation, type WorkItem } from '@fixbridge/core';

interface Box extends BaseState {
  value: string;
}

/** A resource whose reads can lag behind writes, as SQS attribute reads do. */
function store(initial: string, lagReads = 0) {
  let value = initial;
  let stale = 0;
  const writes: string[] = [];
  return {
    writes,
    read: async (): Promise<Box> => ({ kind: 'sqs-queue', arn: 'arn:aws:sqs:us-east-1:123456789012:q', tags: {}, value: stale-- > 0 ? initial : value }),
    write: (v: string) => {
      writes.push(v);
      value = v;
      stale = lagReads;
    },
  };
}

function remediation(id: string, want: string, s: ReturnType<typeof store>, opts: { failApply?: boolean } = {}): Remediation<{ box: Box }, object, string> {
  return {
    id,
    title: `set the value to ${want}`,
    resourceType: 'sqs-queue',
    controls: { securityHub: [], qualys: [], seeds: ['test'] },
    risk: 'low',
    permissions: ['sqs:SetQueueAttributes'],
    configSchema: z.object({}).strict(),
    read: async (ctx) => ({ box: (await ctx.resource()) as Box }),
    evaluate: ({ box }) =>
      box.value.includes(want)
        ? { kind: 'compliant', reason: `value is ${box.value}` }
        : { kind: 'plan', reason: `value is ${box.value}`, changes: [{ field: 'Value', description: 'append', before: box.value, after: `${box.value}+${want}` }], ops: [`${box.value}+${want}`] },
    apply: async (_ctx, ops) => {
      if (opts.failApply) throw new Error('AccessDenied: not allowed');
      for (const op of ops) s.write(op);
    },
  };
}

const ref = parseArn('arn:aws:sqs:us-east-1:123456789012:q');
function deps(s: ReturnType<typeof store>, over: Partial<EngineDeps> = {}): EngineDeps {
  return { config: defaultConfig(), clientsFor: () => ({}) as never, readers: { 'sqs-queue': s.read }, verifyDelaysMs: [0, 0, 0], ...over };
}
const item = (r: Remediation<any, any, any>, extra: Partial<WorkItem> = {}): WorkItem => ({ remediation: r, resourceArn: ref.arn, ref, trigger: { kind: 'runbook' }, ...extra });

describe('engine', () => {
  it('gates by mode: dry-run plans, approval files, auto writes once and verifies', async () => {
    for (const [mode, status, writes] of [['dry-run', 'planned', 0], ['approval', 'awaiting-approval', 0], ['auto', 'applied', 1]] as const) {
      const s = store('a');
      const [r] = await runItems([item(remediation('x', 'b', s))], deps(s, { modeOverride: mode }));
      expect(r).toMatchObject({ status, mode, changes: [{ before: 'a', after: 'a+b' }] });
      expect(s.writes).toHaveLength(writes);
    }
  });

  it('re-reads until a lagging write shows, then reports applied', async () => {
    const s = store('a', 2);
    const [r] = await runItems([item(remediation('x', 'b', s))], deps(s, { modeOverride: 'auto' }));
    expect(r?.status).toBe('applied');
  });

  it('fails, saying what it saw, when the write never shows', async () => {
    const s = store('a', 99);
    const [r] = await runItems([item(remediation('x', 'b', s))], deps(s, { modeOverride: 'auto' }));
    expect(r).toMatchObject({ status: 'failed', reason: expect.stringContaining('still not compliant on re-read (plan: value is a)') });
  });

  it('plans the next item of a resource from the verified state, so both edits survive', async () => {
    const s = store('a', 1);
    const results = await runItems([item(remediation('x', 'b', s)), item(remediation('y', 'c', s))], deps(s, { modeOverride: 'auto' }));
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(s.writes).toEqual(['a+b', 'a+b+c']);
  });

  it('reports a failed apply with the planned changes and reads afresh for the next item', async () => {
    const s = store('a');
    const results = await runItems([item(remediation('x', 'b', s, { failApply: true })), item(remediation('y', 'c', s))], deps(s, { modeOverride: 'auto' }));
    expect(results[0]).toMatchObject({ status: 'failed', reason: 'apply failed: AccessDenied: not allowed', changes: [{ after: 'a+b' }] });
    expect(results[1]?.status).toBe('applied');
  });

  it('skips exempt resources and never writes', async () => {
    const s = store('a');
    const exempt = { 'sqs-queue': async () => ({ ...(await s.read()), tags: { 'fixbridge:exempt': 'true' } }) };
    const [r] = await runItems([item(remediation('x', 'b', s))], deps(s, { modeOverride: 'auto', readers: exempt }));
    expect(r).toMatchObject({ status: 'skipped', reason: expect.stringContaining('fixbridge:exempt') });
    expect(s.writes).toEqual([]);
  });

  it('the plan custom action stays dry-run even under --mode auto', async () => {
    const s = store('a');
    const [r] = await runItems([item(remediation('x', 'b', s), { forcedMode: 'dry-run' })], deps(s, { modeOverride: 'auto' }));
    expect(r).toMatchObject({ status: 'planned', mode: 'dry-run' });
  });
});
