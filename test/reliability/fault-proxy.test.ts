/**
 * The fault proxy itself: each fault it injects is what the SDK sees from the real service — a
 * throttling error the SDK recognizes and retries, in each service's protocol; 5xx retried; a
 * connection dropped before the request reached the emulator (nothing happened) or after (it did).
 */
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeResourcePoliciesCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { DescribeBrokerCommand } from '@aws-sdk/client-mq';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createClients, type Clients } from '@fixbridge/core';
import { createKey, createQueue, queueAttributes, REGION, uniqueName } from '../support/aws';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/fault-proxy';
import { onEmulator } from '../support/projects';
import { createBroker, createTopic } from '../support/sns-mq';

onEmulator('fault proxy', () => {
  let proxy: FaultProxy;
  /** The faults to inject, in order, into the next calls fixbridge's clients send. */
  let script: Fault[] = [];
  beforeAll(async () => {
    proxy = await startFaultProxy({ target: inject('motoEndpoint'), decide: (c) => (c.fromFixbridge ? (script.shift() ?? 'pass') : 'pass') });
  });
  afterAll(() => proxy.close());
  const clients = (maxAttempts: number): Clients => createClients({ region: REGION, endpoint: proxy.url, maxAttempts });

  /** One read per service fixbridge calls, through `c`. */
  async function readsOf() {
    const q = await createQueue(uniqueName('proxy'));
    const topic = await createTopic('proxy');
    const broker = await createBroker('proxy');
    const key = await createKey();
    return {
      sqs: (c: Clients) => c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.url, AttributeNames: ['All'] })),
      sns: (c: Clients) => c.sns.send(new GetTopicAttributesCommand({ TopicArn: topic.arn })),
      mq: (c: Clients) => c.mq.send(new DescribeBrokerCommand({ BrokerId: broker.id })),
      kms: (c: Clients) => c.kms.send(new DescribeKeyCommand({ KeyId: key.keyId })),
      logs: (c: Clients) => c.logs.send(new DescribeResourcePoliciesCommand({})),
      monitoring: (c: Clients) => c.cloudwatch.send(new DescribeAlarmsCommand({ MaxRecords: 1 })),
    };
  }

  it("answers throttling in each service's own protocol: the SDK names it a throttling error and retries it", async () => {
    const reads = await readsOf();
    for (const [service, read] of Object.entries(reads)) {
      // Each service's throttling codes (SQS and SNS have two): the PRNG picks one per call, so try a few.
      for (let i = 0; i < 6; i++) {
        script = ['throttle'];
        const err = (await read(clients(1)).then(
          () => undefined,
          (e: unknown) => e,
        )) as { name: string };
        expect(err, service).toBeDefined();
        expect(`${service} ${err.name}`).toMatch(/ (RequestThrottled|ThrottlingException|Throttling|ThrottledException|TooManyRequestsException)$/);
      }
      // Retried (the SDK waits about half a second after a throttle, so once per service).
      script = ['throttle'];
      const before = proxy.calls.length;
      await expect(read(clients(3)), service).resolves.toBeDefined();
      expect(proxy.calls.slice(before).map((c) => `${c.service} ${c.fault}`)).toEqual([`${service} throttle`, `${service} pass`]);
    }
  });

  it('answers 500 and 503, which the SDK retries', async () => {
    const { sqs, sns, mq } = await readsOf();
    for (const read of [sqs, sns, mq]) {
      script = ['error-500', 'error-503'];
      await expect(read(clients(3))).resolves.toBeDefined();
      script = ['error-503'];
      await expect(read(clients(1))).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } });
    }
  });

  it('drops a write before it reaches the emulator (nothing changes) or after (it changed, the caller hears nothing)', async () => {
    const q = await createQueue(uniqueName('proxy-drop'));
    const set = (value: string) => clients(1).sqs.send(new SetQueueAttributesCommand({ QueueUrl: q.url, Attributes: { VisibilityTimeout: value } }));
    script = ['drop-before'];
    await expect(set('41')).rejects.toThrow();
    expect((await queueAttributes(q.url)).VisibilityTimeout).toBe('30');
    script = ['drop-after'];
    await expect(set('42')).rejects.toThrow();
    expect((await queueAttributes(q.url)).VisibilityTimeout).toBe('42');
    expect(proxy.calls.slice(-2).map((c) => [c.operation, c.write, c.fault])).toEqual([
      ['SetQueueAttributes', true, 'drop-before'],
      ['SetQueueAttributes', true, 'drop-after'],
    ]);
  });
});
