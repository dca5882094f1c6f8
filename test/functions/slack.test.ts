/**
 * Approvals in the deployed hub, in-process against the emulator and a local server standing in for
 * Slack: a finding in approval mode → router → worker files the approval and posts it → a click on
 * the interaction route → a decision message in the resource's group on the work queue → the worker
 * applies it once, records it, writes back to Security Hub (mocked: the emulator has no
 * BatchUpdateFindings), puts the bus event, and replaces the Slack message. Refusals change nothing.
 */
import '../support/quiet-lambda';
import { BatchUpdateFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DeleteMessageBatchCommand, type Message } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Result } from '@fixbridge/core';
import { HistoryStore, HubApprovalStore } from '@fixbridge/core/hub';
import { engineRuntime } from '../../packages/functions/src/engine-runtime';
import { createRouter } from '../../packages/functions/src/router';
import { routerRuntime } from '../../packages/functions/src/runtime';
import { createSlackHandler, slackRuntime } from '../../packages/functions/src/slack';
import { createWorker } from '../../packages/functions/src/worker';
import { createQueue, queueAttributes, REGION, seedClients, uniqueName } from '../support/aws';
import { createHub, eventFor, FIXTURE_ARN, lambdaContext, receiveAll, sqsEvent, UNENCRYPTED } from '../support/deploy';
import { fixture } from '../support/fixtures';
import { onEmulator } from '../support/projects';
import { APPROVER, BOT_TOKEN, buttonsOf, CHANNEL, clickPayload, fakeSlack, formBody, SIGNING_SECRET, signedHeaders, STRANGER, textOf, type FakeSlack } from '../support/slack';

/** The request API Gateway's HTTP API hands the function (payload format 2.0; it base64-encodes form bodies). */
function httpEvent(body: string, headers: Record<string, string>, base64 = true): APIGatewayProxyEventV2 {
  const path = '/slack/interactions';
  return {
    version: '2.0',
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers,
    body: base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example',
      domainPrefix: 'api',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'Slackbot 1.0' },
      requestId: uniqueName('req'),
      routeKey: `POST ${path}`,
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
  };
}

onEmulator('Slack approvals in the deployed hub', () => {
  const securityHub = mockClient(SecurityHubClient);
  let slack: FakeSlack;
  let hub: Awaited<ReturnType<typeof createHub>>;
  let env: NodeJS.ProcessEnv;
  let router: ReturnType<typeof createRouter>;
  let worker: ReturnType<typeof createWorker>;
  let interactions: ReturnType<typeof createSlackHandler>;
  let history: HistoryStore;
  let approvals: HubApprovalStore;

  beforeAll(async () => {
    slack = await fakeSlack();
    securityHub.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
    hub = await createHub({ mode: 'approval', slack: { channel: CHANNEL, approvers: [APPROVER] } });
    env = { ...hub.env, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl };
    router = createRouter(() => routerRuntime(env));
    const engine = engineRuntime(env);
    worker = createWorker(() => engine);
    const rt = slackRuntime(env);
    interactions = createSlackHandler(() => rt);
    history = await HistoryStore.open({ table: hub.table, region: REGION });
    approvals = new HubApprovalStore({ table: hub.table, region: REGION });
  });
  afterAll(async () => {
    securityHub.restore();
    await slack.close();
  });

  /** A click on the interaction route: the function's answer, and the messages it queued. */
  async function click(id: string, user: string, responseUrl: string, headers?: (body: string) => Record<string, string>) {
    const body = formBody(clickPayload(id, 'fixbridge_approve', user, responseUrl));
    const answer = await interactions(httpEvent(body, (headers ?? signedHeaders)(body)), lambdaContext());
    return { answer, queued: await receiveAll(hub.work.url, 1, 1) };
  }

  /** The worker on received messages, which are then deleted as Lambda's event source does (a FIFO group stays blocked while one is in flight). */
  async function work(messages: Message[]) {
    const out = await worker(sqsEvent(messages, hub.work.arn), lambdaContext());
    const done = messages.filter((m) => !out.batchItemFailures.some((f) => f.itemIdentifier === m.MessageId));
    if (done.length) await seedClients().sqs.send(new DeleteMessageBatchCommand({ QueueUrl: hub.work.url, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
    return out;
  }

  it('files a finding’s plan, posts it, and applies it once when an approver clicks; the message shows the verified outcome', async () => {
    const q = await createQueue(uniqueName('approved'), UNENCRYPTED);
    const event = eventFor(fixture('securityhub-imported-sqs1.json'), FIXTURE_ARN, q.arn);
    expect(await router(event, lambdaContext())).toEqual({ queued: 1, skipped: 0 });
    expect(await work(await receiveAll(hub.work.url))).toEqual({ batchItemFailures: [] });
    expect((await queueAttributes(q.url)).SqsManagedSseEnabled).toBe('false');

    const [filed] = await history.forResource(q.arn);
    expect(filed).toMatchObject({ status: 'awaiting-approval', approvalId: expect.stringMatching(/^ap-/) });
    const id = (filed as Result & { approvalId: string }).approvalId;
    const approval = await approvals.get(id);
    expect(approval).toMatchObject({ status: 'pending', approvers: [APPROVER], trigger: { kind: 'finding', eventId: event.id }, slack: { channel: CHANNEL } });
    const posted = slack.calls.find((c) => c.method === 'chat.postMessage' && buttonsOf(c.args).fixbridge_approve === id)!;
    expect(posted.token).toBe(BOT_TOKEN);
    expect(textOf(posted.args)).toContain('SecurityHub:SQS.1');

    // A click by someone who is not an approver: told so, nothing queued.
    const strangerUrl = slack.responseUrl();
    const stranger = await click(id, STRANGER, strangerUrl);
    expect(stranger.answer).toMatchObject({ statusCode: 200, body: '' });
    expect(stranger.queued).toEqual([]);
    expect(slack.responses.find((r) => r.path === new URL(strangerUrl).pathname)?.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('you may not decide') });

    // The approver: answered at once, the decision queued in the queue's message group.
    const responseUrl = slack.responseUrl();
    const { answer, queued } = await click(id, APPROVER, responseUrl);
    expect(answer).toMatchObject({ statusCode: 200, body: '' });
    expect(queued).toHaveLength(1);
    expect(queued[0]!.Attributes?.MessageGroupId).toBe(q.arn);
    expect(JSON.parse(queued[0]!.Body!)).toMatchObject({ type: 'decision', approvalId: id, verdict: 'approve', by: { channel: 'slack', id: APPROVER }, responseUrl });
    expect(slack.responses.some((r) => r.path === new URL(responseUrl).pathname)).toBe(false);

    const updates = securityHub.commandCalls(BatchUpdateFindingsCommand).length;
    expect(await work(queued)).toEqual({ batchItemFailures: [] });
    expect((await queueAttributes(q.url)).SqsManagedSseEnabled).toBe('true');
    expect(await approvals.get(id)).toMatchObject({ status: 'applied', decision: { by: { id: APPROVER } } });
    const [applied] = await history.forResource(q.arn);
    expect(applied).toMatchObject({ status: 'applied', mode: 'approval', trigger: { kind: 'finding', approvalId: id, findingId: expect.any(String) } });
    const writeBack = securityHub.commandCalls(BatchUpdateFindingsCommand).slice(updates).map((c) => c.args[0].input);
    expect(writeBack).toMatchObject([{ Workflow: { Status: 'RESOLVED' }, Note: { Text: expect.stringContaining(applied!.changeId) } }]);
    const bus = (await receiveAll(hub.busCapture.url, 2)).map((m) => JSON.parse(m.Body!) as { 'detail-type': string });
    expect(bus.map((b) => b['detail-type'])).toContain('Remediation Applied');
    const outcome = slack.responses.find((r) => r.path === new URL(responseUrl).pathname)!;
    expect(outcome.body.replace_original).toBe(true);
    expect(buttonsOf(outcome.body)).toEqual({});
    expect(textOf(outcome.body)).toContain('sqs-encrypt-at-rest: applied and verified');
    expect(textOf(outcome.body)).toContain(`Approved by <@${APPROVER}>`);

    // A second click: queued, refused by the single-use decision, nothing applied or recorded again.
    const againUrl = slack.responseUrl();
    const again = await click(id, APPROVER, againUrl);
    expect(again.queued).toHaveLength(1);
    expect(await work(again.queued)).toEqual({ batchItemFailures: [] });
    expect(slack.responses.find((r) => r.path === new URL(againUrl).pathname)?.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('was already approved') });
    expect((await history.forResource(q.arn)).filter((h) => h.status === 'applied')).toHaveLength(1);
    // The same decision message redelivered (SQS is at-least-once): the run is not repeated either.
    expect(await worker(sqsEvent(queued, hub.work.arn), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect((await history.forResource(q.arn)).filter((h) => h.status === 'applied')).toHaveLength(1);
  });

  it('refuses unsigned, mis-signed and stale requests with 401 and queues nothing; without a signing secret it refuses everything', async () => {
    const q = await createQueue(uniqueName('refused'), UNENCRYPTED);
    const event = eventFor(fixture('securityhub-imported-sqs1.json'), FIXTURE_ARN, q.arn);
    await router(event, lambdaContext());
    await work(await receiveAll(hub.work.url));
    const [filed] = await history.forResource(q.arn);
    const id = (filed as Result & { approvalId: string }).approvalId;
    const url = slack.responseUrl();
    const stale = String(Math.floor(Date.now() / 1000) - 600);
    for (const headers of [(b: string) => signedHeaders(b, 'wrong-secret'), (b: string) => signedHeaders(b, SIGNING_SECRET, stale), () => ({})]) {
      const { answer, queued } = await click(id, APPROVER, url, headers);
      expect(answer).toMatchObject({ statusCode: 401, body: '' });
      expect(queued).toEqual([]);
    }
    const { SLACK_SIGNING_SECRET: _secret, ...withoutSecret } = env;
    const unconfigured = createSlackHandler(() => slackRuntime(withoutSecret));
    const body = formBody(clickPayload(id, 'fixbridge_approve', APPROVER, url));
    expect(await unconfigured(httpEvent(body, signedHeaders(body), false), lambdaContext())).toMatchObject({ statusCode: 401, body: '' });
    expect(await receiveAll(hub.work.url, 1, 1)).toEqual([]);
    expect(slack.responses.some((r) => r.path === new URL(url).pathname)).toBe(false);
    expect(await approvals.get(id)).toMatchObject({ status: 'pending' });
  });
});
