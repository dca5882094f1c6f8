/**
 * The router in-process against the emulator: events → work items on the FIFO work queue, grouped by
 * resource; skips dropped; the daily schedule answered with a sweep; bad events rejected, not retried.
 */
import '../support/quiet-lambda';
import { beforeAll, expect, it } from 'vitest';
import { ClientPool, remediationsForType } from '@fixbridge/core';
import { sweepItems } from '@fixbridge/core/hub';
import { createRouter } from '../../packages/functions/src/router';
import { routerRuntime } from '../../packages/functions/src/runtime';
import { createQueue, REGION, uniqueName } from '../support/aws';
import { createHub, eventFor, lambdaContext, receiveAll } from '../support/deploy';
import { fixture } from '../support/fixtures';
import { onEmulator } from '../support/projects';

onEmulator('deployed engine', () => {
  let hub: Awaited<ReturnType<typeof createHub>>;
  let router: ReturnType<typeof createRouter>;

  beforeAll(async () => {
    hub = await createHub({ mode: 'auto' });
    router = createRouter(() => routerRuntime(hub.env));
  });

  it('drops skips in the router and groups CloudTrail work by resource', async () => {
    const q = await createQueue(uniqueName('ct'));
    const base = eventFor(fixture('cloudtrail-sqs-create-queue.json'), 'https://sqs.us-east-1.amazonaws.com/123456789012/orders', q.url) as { detail: Record<string, unknown> };
    const failed = structuredClone(base);
    failed.detail.errorCode = 'AccessDenied';
    const skipped = await router(failed, lambdaContext());
    expect(skipped.queued).toBe(0);
    expect(skipped.skipped).toBeGreaterThan(0);

    const routed = await router(base, lambdaContext());
    const messages = await receiveAll(hub.work.url, routed.queued);
    expect(routed.queued).toBeGreaterThan(1);
    expect(messages).toHaveLength(routed.queued);
    expect(new Set(messages.map((m) => m.Attributes?.MessageGroupId))).toEqual(new Set([q.arn]));
    expect(new Set(messages.map((m) => m.Attributes?.MessageDeduplicationId)).size).toBe(messages.length);
  });

  it('answers the daily schedule with a sweep of every resource the catalog remediates', async () => {
    const q = await createQueue(uniqueName('sweep'));
    const items = await sweepItems(new ClientPool().get(REGION), 'sched-1');
    expect(items.filter((i) => i.resourceArn === q.arn).map((i) => i.remediation?.id)).toEqual(remediationsForType('sqs-queue').map((r) => r.id));
    const scheduled = { version: '0', id: uniqueName('sched'), 'detail-type': 'Scheduled Event', source: 'aws.events', account: '123456789012', time: '2026-11-02T05:00:00Z', region: REGION, resources: [], detail: {} };
    const sweep = await createHub({});
    expect((await createRouter(() => routerRuntime(sweep.env))(scheduled, lambdaContext())).queued).toBeGreaterThanOrEqual(items.length);
  });

  it('rejects an event it does not understand without retrying it', async () => {
    expect(await router({ hello: 'world' }, lambdaContext())).toMatchObject({ queued: 0, rejected: expect.stringContaining('not an EventBridge event') });
  });
});
