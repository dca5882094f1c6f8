/**
 * Approvals from the command line: `run`/`handle` in approval mode file them, `approvals` lists and
 * shows them, `approve` applies once exactly what was approved, `reject` closes them, and
 * `slack serve` takes Slack's clicks; against the emulator and a local server standing in for Slack.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArn, resourceKey, statementsOf, type PolicyDocument, type Result } from '@fixbridge/core';
import { LocalApprovalStore, type Approval } from '@fixbridge/core/approvals';
import { resourceLocks } from '../../packages/cli/src/lock';
import { candidate } from '../support/approvals';
import { cli, createQueue, queueAttributes, recordingPool, ROOT, seedClients, spawnCli, tempFile, uniqueName } from '../support/aws';
import { expectUsageError, withIo } from '../support/cli';
import { sqsCloudTrailEvent } from '../support/fixtures';
import { offline, onEmulator } from '../support/projects';
import { snsProducerPolicy, sqsWritesIn } from '../support/sqs';
import { APPROVER, BOT_TOKEN, buttonsOf, CHANNEL, clickPayload, fakeSlack, formBody, postClick, serveInProcess, SIGNING_SECRET, signedHeaders, STRANGER, textOf, type FakeSlack } from '../support/slack';

const newDir = () => mkdtempSync(join(tmpdir(), 'fixbridge-approvals-cli-'));
const json = <T>(stdout: string) => JSON.parse(stdout) as T;
const results = (stdout: string) => json<{ results: Result[] }>(stdout).results;
const approvalIdOf = (r: Result | undefined) => (r?.status === 'awaiting-approval' ? r.approvalId : undefined);
const tlsDenies = (policy: string | undefined) => statementsOf(policy ? (JSON.parse(policy) as PolicyDocument) : null).filter((s) => s.Effect === 'Deny');

offline('fixbridge approvals, approve, reject, slack: bad input', () => {
  const dir = newDir();

  it('lists nothing pending in a fresh directory, exit 0', async () => {
    expect(await cli(['approvals', '--approvals', dir])).toEqual({ code: 0, stdout: 'no pending approvals ("--all" lists decided and expired ones too)\n', stderr: '' });
    expect(json(( await cli(['approvals', 'list', '--all', '--json', '--approvals', dir])).stdout)).toEqual({ approvals: [] });
  });

  it('an unknown or malformed approval id is exit 2 with one line, for show, approve and reject', async () => {
    expectUsageError(await cli(['approvals', 'show', 'ap-zzzzzzzzzz', '--approvals', dir]), new RegExp(`no approval ap-zzzzzzzzzz in directory ${dir}`));
    expectUsageError(await cli(['approve', 'ap-zzzzzzzzzz', '--approvals', dir]), /no approval ap-zzzzzzzzzz in directory/);
    expectUsageError(await cli(['reject', 'ap-zzzzzzzzzz', '--reason', 'no', '--approvals', dir]), /no approval ap-zzzzzzzzzz/);
    expectUsageError(await cli(['approve', 'ch-0123456789abcdef0123', '--approvals', dir]), /malformed approval id "ch-0123456789abcdef0123": expected "ap-" and 10 letters/);
  });

  it('refuses what cannot be meant: no --reason, show without an id, list with one, two stores, a bad port', async () => {
    expectUsageError(await cli(['reject', 'ap-zzzzzzzzzz', '--approvals', dir]), /reject needs --reason "<why>"/);
    expectUsageError(await cli(['approvals', 'show', '--approvals', dir]), /approvals show needs <approval-id>/);
    expectUsageError(await cli(['approvals', 'list', 'ap-zzzzzzzzzz', '--approvals', dir]), /did you mean "fixbridge approvals show ap-zzzzzzzzzz"/);
    expectUsageError(await cli(['approvals', 'show', 'ap-zzzzzzzzzz', '--approvals', dir, '--table', 't']), /--approvals and --table name two different stores/);
    expectUsageError(await cli(['approvals', 'sort']), /'sort' is invalid for argument 'action'. Allowed choices are list, show/);
    expectUsageError(await cli(['slack', 'serve', '--port', 'http']), /--port must be a port number from 0 to 65535, not "http"/);
  });

  it('slack serve refuses to start without SLACK_SIGNING_SECRET: exit 2, one line', async () => {
    expectUsageError(await withIo(['slack', 'serve', '--port', '5262', '--approvals', dir], { env: { SLACK_BOT_TOKEN: 'xoxb-1' } }), /slack serve needs SLACK_SIGNING_SECRET in the environment/);
  });

  it('a config whose slack section is malformed is exit 2 naming the key', async () => {
    const config = tempFile('config.json', { slack: { channel: '#security', approvers: [] } });
    expectUsageError(await cli(['run', 'sqs-require-tls', '--resource', 'arn:aws:sqs:us-east-1:123456789012:q', '--config', config]), /slack\.channel: expected a Slack channel id like C0123456789/);
  });
});

onEmulator('fixbridge approvals from the CLI', () => {
  const dir = newDir();
  const at = ['--approvals', dir];

  it('run files the plan, approvals lists and shows it, approve applies and verifies it once; a second approve writes nothing', async () => {
    const q = await createQueue(uniqueName('approve'));
    const filed = await cli(['run', 'sqs-require-tls', '--resource', q.arn, '--mode', 'approval', '--json', ...at]);
    expect(filed.code).toBe(0);
    const [waiting] = results(filed.stdout);
    const id = approvalIdOf(waiting)!;
    expect(waiting).toMatchObject({ status: 'awaiting-approval', approvalId: expect.stringMatching(/^ap-[a-z2-7]{10}$/), reason: expect.stringContaining(`fixbridge approve ${id}`) });
    expect((await queueAttributes(q.url)).Policy).toBeUndefined();

    // The same trigger again: the same approval, not a second one.
    expect(approvalIdOf(results((await cli(['run', 'sqs-require-tls', '--resource', q.arn, '--mode', 'approval', '--json', ...at])).stdout)[0])).toBe(id);
    const list = await cli(['approvals', ...at]);
    expect(list.stdout.split('\n').filter((l) => l.includes(q.arn))).toEqual([expect.stringMatching(new RegExp(`^${id}  pending  sqs-require-tls\\s+${q.arn}\\s+\\d+s\\s+in (24h|23h59m)\\s+add statement FixbridgeDenyInsecureTransport`))]);
    const shown = await cli(['approvals', 'show', id, ...at]);
    expect(shown.stdout).toContain(`${id}  PENDING  sqs-require-tls`);
    expect(shown.stdout).toContain('"aws:SecureTransport": "false"');
    expect(json<{ approval: Approval }>((await cli(['approvals', 'show', id, '--json', ...at])).stdout).approval).toMatchObject({ id, status: 'pending', resourceArn: q.arn, plan: { changes: [{ field: 'Policy' }] } });

    const approved = await cli(['approve', id, '--json', ...at]);
    expect(approved.code).toBe(0);
    expect(results(approved.stdout)).toMatchObject([{ status: 'applied', mode: 'approval', reason: expect.stringContaining(`applied and verified`) }]);
    expect(results(approved.stdout)[0]!.reason).toMatch(new RegExp(`\\(approval ${id}, approved by .+@.+ from the CLI\\)$`));
    expect(tlsDenies((await queueAttributes(q.url)).Policy)).toHaveLength(1);

    const { pool, calls } = recordingPool();
    const again = await cli(['approve', id, ...at], '', pool);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(new RegExp(`^fixbridge: approval ${id} was already approved by .+ \\(cli\\) at .+: applied and verified\\n$`));
    expect(calls).toEqual([]);
    expect((await cli(['approvals', ...at])).stdout).not.toContain(id);
    expect((await cli(['approvals', '--all', ...at])).stdout).toMatch(new RegExp(`${id}  applied `));
  });

  it('handle in approval mode files one approval per remediation that would change the queue', async () => {
    const name = uniqueName('handled');
    await createQueue(name, { SqsManagedSseEnabled: 'false' });
    const event = tempFile('event.json', sqsCloudTrailEvent(name));
    const run = await cli(['handle', '--event', event, '--mode', 'approval', '--json', ...at]);
    const waiting = results(run.stdout).filter((r) => r.status === 'awaiting-approval');
    expect(waiting.map((r) => r.remediation).sort()).toEqual(['sqs-dead-letter-queue', 'sqs-encrypt-at-rest', 'sqs-require-tls']);
    const ids = waiting.map(approvalIdOf);
    const listed = json<{ approvals: Approval[] }>((await cli(['approvals', '--json', ...at])).stdout).approvals.map((a) => a.id);
    expect(listed).toEqual(expect.arrayContaining(ids));
  });

  it('reject closes the approval with who and why, and writes nothing; approving it then is exit 1', async () => {
    const q = await createQueue(uniqueName('reject'));
    const id = approvalIdOf(results((await cli(['run', 'sqs-require-tls', '--resource', q.arn, '--mode', 'approval', '--json', ...at])).stdout)[0])!;
    const rejected = await cli(['reject', id, '--reason', 'the app team owns this policy', '--json', ...at]);
    expect(rejected.code).toBe(0);
    expect(results(rejected.stdout)).toMatchObject([{ status: 'skipped', reason: expect.stringMatching(/^rejected by .+ from the CLI: the app team owns this policy; nothing was written$/) }]);
    const after = await cli(['approve', id, ...at]);
    expect(after).toMatchObject({ code: 1, stdout: '', stderr: expect.stringMatching(new RegExp(`^fixbridge: approval ${id} was rejected by .+: the app team owns this policy\\n$`)) });
    expect((await queueAttributes(q.url)).Policy).toBeUndefined();
  });

  it('refuses an expired approval: exit 1, one line, nothing read or written', async () => {
    const q = await createQueue(uniqueName('expired'));
    const store = new LocalApprovalStore(dir);
    const old = candidate(q.arn, 'old', {}, new Date(Date.now() - 25 * 3600_000));
    await store.file(old, new Date());
    const { pool, calls } = recordingPool();
    const run = await cli(['approve', old.id, ...at], '', pool);
    expect(run).toEqual({ code: 1, stdout: '', stderr: `fixbridge: approval ${old.id} expired at ${old.expiresAt}; nothing was written (run the remediation again to file a fresh plan)\n` });
    expect(calls).toEqual([]);
    expect(await store.get(old.id)).toEqual(old);
    expect((await cli(['approvals', '--all', ...at])).stdout).toMatch(new RegExp(`${old.id}  expired `));
  });

  it('two approve processes started at the same moment apply the plan exactly once', async () => {
    const q = await createQueue(uniqueName('race'));
    const id = approvalIdOf(results((await cli(['run', 'sqs-require-tls', '--resource', q.arn, '--mode', 'approval', '--json', ...at])).stdout)[0])!;
    // Each process with its own lock directory: the single-use decision must not lean on the per-resource lock.
    const [a, b] = await Promise.all([1, 2].map((n) => spawnCli(['approve', id, '--json', ...at], '', { FIXBRIDGE_LOCK_DIR: join(newDir(), `locks-${n}`) })));
    const runs = [a!, b!].sort((x, y) => x.code - y.code);
    expect(runs.map((r) => r.code)).toEqual([0, 1]);
    expect(results(runs[0]!.stdout)).toMatchObject([{ status: 'applied' }]);
    expect(runs[1]!.stdout).toBe('');
    expect(runs[1]!.stderr).toMatch(new RegExp(`^fixbridge: approval ${id} was (already approved by .+: applied and verified|approved by .+ and is being applied)\\n$`));
    expect(tlsDenies((await queueAttributes(q.url)).Policy)).toHaveLength(1);
  });

  describe('with Slack configured', () => {
    let slack: FakeSlack;
    const saved: Record<string, string | undefined> = {};
    const config = () => tempFile('config.json', { slack: { channel: CHANNEL, approvers: [APPROVER] } });
    beforeAll(async () => {
      slack = await fakeSlack();
      for (const k of ['SLACK_BOT_TOKEN', 'SLACK_API_URL']) saved[k] = process.env[k];
      process.env.SLACK_BOT_TOKEN = BOT_TOKEN;
      process.env.SLACK_API_URL = slack.apiUrl;
    });
    afterAll(async () => {
      for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v);
      await slack.close();
    });

    it('approve after the resource changed writes nothing, supersedes the approval and posts the fresh plan', async () => {
      const q = await createQueue(uniqueName('changed'));
      const cfg = config();
      const id = approvalIdOf(results((await cli(['run', 'sqs-require-tls', '--resource', q.arn, '--mode', 'approval', '--config', cfg, '--json', ...at])).stdout)[0])!;
      const posted = slack.calls.find((c) => c.method === 'chat.postMessage' && buttonsOf(c.args).fixbridge_approve === id);
      expect(posted).toMatchObject({ token: BOT_TOKEN, args: { channel: CHANNEL } });

      // The app team edits the policy after the plan was posted.
      const theirs = snsProducerPolicy(q.arn);
      await seedClients().sqs.send(new SetQueueAttributesCommand({ QueueUrl: q.url, Attributes: { Policy: theirs } }));
      const { pool, calls } = recordingPool();
      const run = await cli(['approve', id, '--config', cfg, '--json', ...at], '', pool);
      expect(run.code).toBe(1);
      const [fresh] = results(run.stdout);
      expect(fresh).toMatchObject({ status: 'awaiting-approval', reason: expect.stringMatching(new RegExp(`^the resource changed since the plan of approval ${id} was made, so nothing was written; `)) });
      const freshId = approvalIdOf(fresh)!;
      expect(freshId).not.toBe(id);
      expect(sqsWritesIn(calls)).toEqual([]);
      expect(JSON.parse((await queueAttributes(q.url)).Policy!)).toEqual(JSON.parse(theirs));

      const store = new LocalApprovalStore(dir);
      expect(await store.get(id)).toMatchObject({ status: 'superseded', outcome: { supersededBy: freshId } });
      // The fresh plan merges into the team's policy, and is posted; the old message shows the outcome.
      expect((await store.get(freshId))?.plan.changes[0]?.before).toMatchObject({ Id: 'owned-by-the-app-team' });
      expect(slack.calls.some((c) => c.method === 'chat.postMessage' && buttonsOf(c.args).fixbridge_approve === freshId)).toBe(true);
      const { slack: message } = (await store.get(id))!;
      const update = slack.calls.find((c) => c.method === 'chat.update' && c.args.ts === message?.ts);
      expect(update?.args.channel).toBe(CHANNEL);
      expect(textOf(update?.args)).toContain('sqs-require-tls: superseded: nothing was written');
      expect(buttonsOf(update?.args)).toEqual({});
    });

    it('the whole flow: an approval-mode event reaches Slack, a permitted click applies it once, the message shows the verified outcome', async () => {
      const name = uniqueName('slackflow');
      const q = await createQueue(name);
      const cfg = config();
      const event = tempFile('event.json', sqsCloudTrailEvent(name));
      const filed = results((await cli(['handle', '--event', event, '--config', cfg, '--mode', 'approval', '--json', ...at])).stdout).find((r) => r.remediation === 'sqs-require-tls');
      const id = approvalIdOf(filed)!;
      const message = slack.calls.find((c) => c.method === 'chat.postMessage' && buttonsOf(c.args).fixbridge_approve === id)!;
      expect(buttonsOf(message.args)).toEqual({ fixbridge_approve: id, fixbridge_reject: id });
      expect(textOf(message.args)).toContain(q.arn);

      const locks = newDir();
      const { pool, calls } = recordingPool();
      const server = await serveInProcess(['--config', cfg, ...at], { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slack.apiUrl, FIXBRIDGE_LOCK_DIR: locks, AWS_REGION: 'us-east-1' }, pool);
      try {
        expect(await (await fetch(`${server.url}/healthz`)).text()).toBe('ok\n');
        const body = formBody(clickPayload(id, 'fixbridge_approve', APPROVER));
        expect((await postClick(server.interactions, clickPayload(id, 'fixbridge_approve', APPROVER), signedHeaders(body, 'not-the-secret'))).status).toBe(401);

        // Someone not among the approvers: told so, nothing changes.
        const strangerUrl = slack.responseUrl();
        expect(await postClick(server.interactions, clickPayload(id, 'fixbridge_approve', STRANGER, strangerUrl))).toEqual({ status: 200, body: '' });
        const told = await slack.until(() => slack.responses.find((r) => r.path === new URL(strangerUrl).pathname));
        expect(told.body).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: expect.stringContaining('you may not decide') });

        // The approver's click is answered before the decision runs: the resource is busy (its lock held), yet the answer is 200.
        const release = await resourceLocks(locks)(resourceKey(parseArn(q.arn)));
        const responseUrl = slack.responseUrl();
        const click = clickPayload(id, 'fixbridge_approve', APPROVER, responseUrl);
        const clickBody = formBody(click);
        const clickHeaders = signedHeaders(clickBody);
        expect(await postClick(server.interactions, click, clickHeaders)).toEqual({ status: 200, body: '' });
        expect(slack.responses.filter((r) => r.path === new URL(responseUrl).pathname)).toEqual([]);
        expect(sqsWritesIn(calls)).toEqual([]);
        await release();
        const outcome = await slack.until(() => slack.responses.find((r) => r.path === new URL(responseUrl).pathname));
        expect(outcome.body.replace_original).toBe(true);
        expect(buttonsOf(outcome.body)).toEqual({});
        expect(textOf(outcome.body)).toContain('sqs-require-tls: applied and verified');
        expect(textOf(outcome.body)).toContain(`Approved by <@${APPROVER}>`);
        expect(tlsDenies((await queueAttributes(q.url)).Policy)).toHaveLength(1);

        // A second click and a replay of the very same request: nothing more is written.
        const again = slack.responseUrl();
        expect((await postClick(server.interactions, clickPayload(id, 'fixbridge_approve', APPROVER, again))).status).toBe(200);
        const replay = await fetch(server.interactions, { method: 'POST', headers: clickHeaders, body: clickBody });
        expect(replay.status).toBe(200);
        const second = await slack.until(() => slack.responses.find((r) => r.path === new URL(again).pathname));
        expect(second.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining(`approval ${id} was already approved by ${APPROVER.toLowerCase()} (slack)`) });
        await slack.until(() => slack.responses.filter((r) => r.path === new URL(responseUrl).pathname).length === 2 || undefined);
      } finally {
        expect(await server.stop()).toBe(0);
      }
      expect(calls.filter((c) => c === 'SetQueueAttributesCommand')).toHaveLength(1);
      expect(server.output()).toMatch(new RegExp(`${id} approved by ${APPROVER.toLowerCase()} in Slack: applied`));
      expect(server.output()).toContain('fixbridge: stopped');
    });
  });
});

onEmulator('fixbridge slack serve, the real binary', () => {
  it('listens, answers /healthz, refuses unsigned requests, and stops on SIGTERM with exit 0', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'packages/cli/bin/fixbridge.js'), 'slack', 'serve', '--port', '0', '--approvals', newDir()], {
      env: { ...process.env, SLACK_SIGNING_SECRET: SIGNING_SECRET, FORCE_COLOR: '', NO_COLOR: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`slack serve did not start: ${out}`)), 30_000);
        child.stdout.on('data', () => {
          const m = /Slack interactions at (http:\/\/\S+)\/slack\/interactions/.exec(out);
          if (m) (clearTimeout(timer), resolve(m[1]!));
        });
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/slack/interactions`, { method: 'POST', body: 'payload=%7B%7D' })).status).toBe(401);
      expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('fixbridge: stopped');
  });
});
