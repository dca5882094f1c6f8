/** The interaction endpoint, one request → one response: refusals, approvers, hand-over. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { LocalApprovalStore, type Approval } from '@fixbridge/core/approvals';
import { handleInteraction, slackSignature, type DecisionRequest, type InteractionDeps, type SlackResponse } from '@fixbridge/core/slack';
import { candidate, freshQueueArn, T0 } from '../../support/approvals';
import { offline } from '../../support/projects';
import { APPROVER, clickPayload, formBody, SIGNING_SECRET, signedHeaders, STRANGER } from '../../support/slack';

offline('Slack interaction endpoint', () => {
  const store = new LocalApprovalStore(mkdtempSync(join(tmpdir(), 'fixbridge-interaction-')));
  let approval: Approval;
  beforeAll(async () => {
    approval = candidate(freshQueueArn(), 'a', { slack: { channel: 'C0CHANNEL', approvers: [APPROVER] } }, new Date());
    await store.file(approval, T0);
  });

  /** The handler with recording deps; `secret` is what the endpoint is configured with. */
  function endpoint(secret: string | undefined = SIGNING_SECRET) {
    const seen = { finds: [] as string[], submitted: [] as DecisionRequest[], told: [] as { url: string; message: SlackResponse }[] };
    const deps: InteractionDeps = {
      signingSecret: secret,
      find: async (id) => (seen.finds.push(id), store.get(id)),
      submit: async (request) => void seen.submitted.push(request),
      respond: async (url, message) => void seen.told.push({ url, message }),
    };
    return { seen, call: (body: string, headers: Record<string, string>, method = 'POST') => handleInteraction({ method, headers, body }, deps) };
  }
  const click = (user = APPROVER, action: 'fixbridge_approve' | 'fixbridge_reject' = 'fixbridge_approve', id = approval.id) => formBody(clickPayload(id, action, user, 'https://hooks.slack.test/actions/1'));

  it('hands an approver’s click over and answers an empty 200 at once', async () => {
    const { seen, call } = endpoint();
    const body = click();
    expect(await call(body, signedHeaders(body))).toEqual({ status: 200, body: '' });
    expect(seen.submitted).toEqual([{ approvalId: approval.id, verdict: { verdict: 'approve' }, by: { channel: 'slack', id: APPROVER, name: APPROVER.toLowerCase() }, responseUrl: 'https://hooks.slack.test/actions/1' }]);
    const reject = click(APPROVER, 'fixbridge_reject');
    await call(reject, signedHeaders(reject));
    expect(seen.submitted[1]?.verdict).toEqual({ verdict: 'reject', reason: 'rejected with the button in Slack' });
  });

  const now = () => String(Math.floor(Date.now() / 1000));
  const refusals: [string, (body: string) => Record<string, string>, string | undefined][] = [
    ['a tampered body', (body) => signedHeaders(body.replace(APPROVER, 'U0MALLORY')), SIGNING_SECRET],
    ['a wrong secret', (body) => signedHeaders(body, 'another-secret'), SIGNING_SECRET],
    ['a stale timestamp', (body) => signedHeaders(body, SIGNING_SECRET, String(Number(now()) - 301)), SIGNING_SECRET],
    ['a future timestamp', (body) => signedHeaders(body, SIGNING_SECRET, String(Number(now()) + 301)), SIGNING_SECRET],
    ['no signature header', () => ({ 'x-slack-request-timestamp': now(), 'content-type': 'application/x-www-form-urlencoded' }), SIGNING_SECRET],
    ['no timestamp header', (body) => ({ 'x-slack-signature': slackSignature(SIGNING_SECRET, now(), body) }), SIGNING_SECRET],
    ['no signing secret configured (even a request signed with the empty secret)', (body) => signedHeaders(body, ''), undefined],
  ];
  it.each(refusals)('refuses %s: 401, no body, nothing looked up, handed over or posted', async (_name, headers, secret) => {
    const { seen, call } = endpoint(secret);
    const body = click();
    expect(await call(body, headers(body))).toEqual({ status: 401, body: '' });
    expect(seen).toEqual({ finds: [], submitted: [], told: [] });
  });

  it('tells a clicker who is not an approver that they may not, and hands nothing over', async () => {
    const { seen, call } = endpoint();
    const body = click(STRANGER);
    expect(await call(body, signedHeaders(body))).toEqual({ status: 200, body: '' });
    expect(seen.submitted).toEqual([]);
    expect(seen.told).toEqual([{ url: 'https://hooks.slack.test/actions/1', message: expect.objectContaining({ response_type: 'ephemeral', replace_original: false, text: expect.stringContaining(`<@${STRANGER}>, you may not decide ${approval.id}`) }) }]);
  });

  it('says so for an approval it does not know, and hands nothing over', async () => {
    const { seen, call } = endpoint();
    const body = click(APPROVER, 'fixbridge_approve', 'ap-zzzzzzzzzz');
    expect((await call(body, signedHeaders(body))).status).toBe(200);
    expect(seen.submitted).toEqual([]);
    expect(seen.told[0]?.message.text).toContain('fixbridge has no approval ap-zzzzzzzzzz; nothing changed');
  });

  it('answers 200 in time when the note to the clicker fails or hangs (response_url down), and says why', async () => {
    const body = click(STRANGER);
    const warned: string[] = [];
    const base = { signingSecret: SIGNING_SECRET, find: (id: string) => store.get(id), submit: async () => {}, warn: (m: string) => void warned.push(m) };
    const failing = await handleInteraction({ method: 'POST', headers: signedHeaders(body), body }, { ...base, respond: () => Promise.reject(new TypeError('fetch failed')) });
    expect(failing).toEqual({ status: 200, body: '' });
    expect(warned).toEqual(['could not tell the clicker through response_url: TypeError: fetch failed']);
    // A response_url that never answers: the endpoint still answers (it waits at most TELL_BUDGET_MS).
    const hanging = await handleInteraction({ method: 'POST', headers: signedHeaders(body), body }, { ...base, respond: () => new Promise<void>(() => {}) });
    expect(hanging).toEqual({ status: 200, body: '' });
  });

  it('ignores other interactions, refuses a signed body without a payload, and takes only POST', async () => {
    const { seen, call } = endpoint();
    const other = formBody({ type: 'view_submission', user: { id: APPROVER } });
    expect(await call(other, signedHeaders(other))).toEqual({ status: 200, body: '' });
    const foreign = formBody({ ...clickPayload(approval.id, 'fixbridge_approve', APPROVER), actions: [{ action_id: 'someone_elses_button', value: approval.id }] });
    expect(await call(foreign, signedHeaders(foreign))).toEqual({ status: 200, body: '' });
    expect(await call('text=hello', signedHeaders('text=hello'))).toEqual({ status: 400, body: '' });
    expect((await call('', {}, 'GET')).status).toBe(405);
    expect(seen.submitted).toEqual([]);
  });
});
