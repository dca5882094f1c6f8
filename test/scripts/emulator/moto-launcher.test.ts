/**
 * The emulator answers like AWS where fixbridge depends on it (scripts/emulator/moto_launcher.py):
 * SQS ListQueues pages with MaxResults and NextToken as the SQS API reference says, so a paginator
 * sees every queue (moto alone returns at most 1,000 URLs and never a token); DynamoDB applies the
 * conditional writes of one item one at a time (moto alone let two of them both pass their condition).
 */
import { CreateQueueCommand, ListQueuesCommand, paginateListQueues } from '@aws-sdk/client-sqs';
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, expect, it } from 'vitest';
import { REGION, seedClients, uniqueName } from '../../support/aws';
import { createHistoryTable } from '../../support/deploy';
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

onEmulator('moto launcher: DynamoDB conditional writes', () => {
  it('of 20 updates of one item conditioned on its status, sent at once, exactly one succeeds (rounds of them)', async () => {
    // An item like an approval's: the status inside a record of some size.
    const record = { M: { status: { S: 'pending' }, plan: { L: Array.from({ length: 50 }, (_, i) => ({ M: { field: { S: `Policy.Statement[${i}]` }, before: { S: 'x'.repeat(200) } } })) } } };
    const table = await createHistoryTable();
    const dynamodb = new DynamoDBClient({ region: REGION });
    for (let round = 0; round < 25; round++) {
      const Key = { pk: { S: `item-${round}` } };
      await dynamodb.send(new PutItemCommand({ TableName: table, Item: { ...Key, record } }));
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          dynamodb.send(
            new UpdateItemCommand({
              TableName: table,
              Key,
              UpdateExpression: 'SET #r.#s = :done, winner = :i',
              ConditionExpression: '#r.#s = :pending',
              ExpressionAttributeNames: { '#r': 'record', '#s': 'status' },
              ExpressionAttributeValues: { ':done': { S: 'decided' }, ':pending': { S: 'pending' }, ':i': { N: String(i) } },
            }),
          ),
        ),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(ConditionalCheckFailedException);
    }
  });
});
