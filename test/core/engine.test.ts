/** The engine's gate / apply / verify logic, with in-memory resources (no network). */
import { expect, it } from 'vitest';
import { z } from 'zod';
import { defaultConfig, defineKind, parseArn, run, sqsQueue, type AnyRemediation, type BaseState, type ResourceKind, type EngineDeps, type Remediation, type WorkItem } from '@fixbridge/core';
import { offline } from '../support/projects';

interface Box extends BaseState {
  value: string;
}

/** A kind of resource held in memory: `store` reads and writes it, `tags` are its tags. */
function boxKind(s: ReturnType<typeof store>, tags: Record<string, string> = {}) {
  return defineKind<'box', Box, string>({
    ...(sqsQueue as unknown as ResourceKind<'box', Box, string>),
    type: 'box',
    read: () => s.read(),
    readTags: async () => tags,
    applyOps: async (_clients, ops) => ops.forEach((op) => s.write(op)),
  });
}

/** A resource whose reads can lag behind writes, as SQS attribute reads do. */
function store(initial: string, lagReads = 0) {
  let value = initial;
  let stale = 0;
  const writes: string[] = [];
  return {
    writes,
    read: async (): Promise<Box> => ({ arn: 'arn:aws:sqs:us-east-1:123456789012:q', value: stale-- > 0 ? initial : value }),
    write: (v: string) => {
      writes.push(v);
      value = v;
      stale = lagReads;
    },
  };
}

function remediation(id: string, want: string, s: ReturnType<typeof store>, opts: { failApply?: boolean; tags?: Record<string, string> } = {}): Remediation<ReturnType<typeof boxKind>, { box: Box }, object, string> {
  return {
    id,
    title: `set the value to ${want}`,
    kind: boxKind(s, opts.tags),
    controls: { securityHub: [], qualys: [], seeds: ['test'] },
    risk: 'low',
    permissions: ['sqs:SetQueueAttributes'],
    optionsSchema: z.object({}).strict(),
    read: async (ctx) => ({ box: await ctx.resource() }),
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
function deps(over: Partial<EngineDeps> = {}): EngineDeps {
  return { config: defaultConfig(), clientsFor: () => ({}) as never, verifyDelaysMs: [0, 0, 0], ...over };
}
const item = (r: AnyRemediation, extra: Partial<WorkItem> = {}): WorkItem => ({ remediation: r, resourceArn: ref.arn, ref, trigger: { kind: 'runbook' }, ...extra });

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
    const s = store('a', 2);
    const [r] = await run([item(remediation('x', 'b', s))], deps({ modeOverride: 'auto' }));
    expect(r?.status).toBe('applied');
  });

  it('fails, saying what it saw, when the write never shows', async () => {
    const s = store('a', 99);
    const [r] = await run([item(remediation('x', 'b', s))], deps({ modeOverride: 'auto' }));
    expect(r).toMatchObject({ status: 'failed', reason: expect.stringContaining('still not compliant on re-read (plan: value is a)') });
  });

  it('plans the next item of a resource from the verified state, so both edits survive', async () => {
    const s = store('a', 1);
    const results = await run([item(remediation('x', 'b', s)), item(remediation('y', 'c', s))], deps({ modeOverride: 'auto' }));
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(s.writes).toEqual(['a+b', 'a+b+c']);
  });

  it('reports a failed apply with the planned changes and reads afresh for the next item', async () => {
    const s = store('a');
    const results = await run([item(remediation('x', 'b', s, { failApply: true })), item(remediation('y', 'c', s))], deps({ modeOverride: 'auto' }));
    expect(results[0]).toMatchObject({ status: 'failed', reason: 'apply failed: AccessDenied: not allowed', changes: [{ after: 'a+b' }] });
    expect(results[1]?.status).toBe('applied');
  });

  it('skips exempt resources and never writes', async () => {
    const s = store('a');
    const [r] = await run([item(remediation('x', 'b', s, { tags: { 'fixbridge:exempt': 'true' } }))], deps({ modeOverride: 'auto' }));
    expect(r).toMatchObject({ status: 'skipped', reason: expect.stringContaining('fixbridge:exempt') });
    expect(s.writes).toEqual([]);
  });

  it('the plan custom action stays dry-run even under --mode auto', async () => {
    const s = store('a');
    const [r] = await run([item(remediation('x', 'b', s), { forcedMode: 'dry-run' })], deps({ modeOverride: 'auto' }));
    expect(r).toMatchObject({ status: 'planned', mode: 'dry-run' });
  });
});
