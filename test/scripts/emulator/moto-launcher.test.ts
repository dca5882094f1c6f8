/**
 * The emulator answers like AWS where fixbridge depends on it (scripts/emulator/moto_launcher.py):
 * SQS ListQueues pages with MaxResults and NextToken as the SQS API reference says, so a paginator
 * sees every queue (moto alone returns at most 1,000 URLs and never a token).
 */
import { CreateQueueCommand, ListQueuesCommand, paginateListQueues } from '@aws-sdk/client-sqs';
import { beforeAll, expect, it } from 'vitest';
import { seedClients, uniqueName } from '../../support/aws';
import { onEmulator } from '../../support/projects';

onEmulator('moto launcher: SQS ListQueues pages', () => {
  const { sqs } = seedClients();
  const prefix = uniqueName('pages');
  const names = Array.from({ length: 7 }, (_, i) => `${prefix}-${i}`);
  beforeAll(async () => {
    await Promise.all(names.map((QueueName) => sqs.send(new CreateQueueCommand({ QueueName }))));
  });
  const nameOf = (url: string) => url.split('/').pop();

  it('answers MaxResults with a page and a NextToken while more queues follow, and the paginator sees them all', async () => {
    const first = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 3 }));
    expect(first.QueueUrls?.map(nameOf)).toEqual(names.slice(0, 3));
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 3, NextToken: first.NextToken }));
    expect(second.QueueUrls?.map(nameOf)).toEqual(names.slice(3, 6));

    const pages: string[][] = [];
    for await (const page of paginateListQueues({ client: sqs, pageSize: 3 }, { QueueNamePrefix: prefix })) pages.push((page.QueueUrls ?? []).map((u) => nameOf(u)!));
    expect(pages).toEqual([names.slice(0, 3), names.slice(3, 6), names.slice(6)]);
  });

  it('gives no NextToken on the last page, nor without MaxResults', async () => {
    expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 7 }))).NextToken).toBeUndefined();
    const all = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
    expect(all.QueueUrls?.map(nameOf).sort()).toEqual(names);
    expect(all.NextToken).toBeUndefined();
  });

  it('rejects a MaxResults outside 1–1000 and a token it did not issue', async () => {
    for (const MaxResults of [0, 1001]) {
      await expect(sqs.send(new ListQueuesCommand({ MaxResults }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    }
    await expect(sqs.send(new ListQueuesCommand({ MaxResults: 2, NextToken: 'not-a-token' }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });
});
