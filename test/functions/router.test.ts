/**
 * The router in-process against the emulator: events → work items on the FIFO work queue, grouped by
 * resource; skips dropped; the daily schedule answered with a sweep; bad events rejected, not retried.
 */
import '../support/quiet-lambda';
import { beforeAll, expect, it } from 'vitest';
import { catalogKinds } from '@fixbridge/core';
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

  it('answers the daily schedule with one listing message per account, region and kind (the workers list)', async () => {
    const sweep = await createHub({});
    const accounts = ['123456789012', '444455556666'];
    const regions = ['ap-southeast-2', 'sa-east-1'];
    const env = { ...sweep.env, FIXBRIDGE_SWEEP_ACCOUNTS: `${accounts.join(',')},123456789012`, FIXBRIDGE_SWEEP_REGIONS: regions.join(',') };
    const scheduled = { version: '0', id: uniqueName('sched'), 'detail-type': 'Scheduled Event', source: 'aws.events', account: '123456789012', time: '2026-11-02T05:00:00Z', region: REGION, resources: [], detail: {} };
    const listings = accounts.length * regions.length * catalogKinds().length;
    expect(await createRouter(() => routerRuntime(env))(scheduled, lambdaContext())).toEqual({ queued: listings, skipped: 0 });

    const messages = await receiveAll(sweep.work.url, listings);
    expect(messages).toHaveLength(listings);
    const bodies = messages.map((m) => JSON.parse(m.Body!) as Record<string, unknown>);
    expect(new Set(bodies.map((b) => `${b.accountId} ${b.region} ${b.resourceType}`))).toEqual(
      new Set(accounts.flatMap((a) => regions.flatMap((r) => catalogKinds().map((k) => `${a} ${r} ${k.type}`)))),
    );
    expect(bodies.every((b) => b.type === 'list' && b.partition === 'aws')).toBe(true);
    expect(bodies[0]!.trigger).toEqual({ kind: 'sweep', eventId: scheduled.id, eventName: 'Scheduled Event' });
    expect(new Set(messages.map((m) => m.Attributes?.MessageGroupId)).size).toBe(listings);
    await expect(routerRuntime({ ...env, FIXBRIDGE_SWEEP_REGIONS: 'atlantis' })).rejects.toThrow(/environment: FIXBRIDGE_SWEEP_REGIONS.*expected comma-separated AWS regions/);
  });

  it('rejects an event it does not understand without retrying it', async () => {
    expect(await router({ hello: 'world' }, lambdaContext())).toMatchObject({ queued: 0, rejected: expect.stringContaining('not an EventBridge event') });
  });
});
