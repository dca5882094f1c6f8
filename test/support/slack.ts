/**
 * Slack in tests: a local HTTP server standing in for the Slack Web API (`SLACK_API_URL`) and for
 * interactions' `response_url`s, recording what fixbridge sends; and signed interaction requests,
 * shaped as Slack sends them.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientPool } from '@fixbridge/core';
import { slackSignature, type SlackMessage } from '@fixbridge/core/slack';
import { main } from '../../packages/cli/src/main';

/** Slack's published example (https://api.slack.com/authentication/verifying-requests-from-slack). */
export const SLACK_VECTOR = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-test-0000-token';
export const CHANNEL = 'C0FIXBRIDGE';
export const APPROVER = 'U0APPROVER';
export const STRANGER = 'U0STRANGER';

/** A Web API call as the fake received it: the method, its arguments (blocks parsed), the token. */
export interface ApiCall {
  method: string;
  args: Record<string, unknown> & Partial<SlackMessage>;
  token: string | undefined;
}

export interface ResponseCall {
  path: string;
  body: Partial<SlackMessage> & { replace_original?: boolean; response_type?: string };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface FakeSlack {
  /** `SLACK_API_URL`. */
  apiUrl: string;
  calls: ApiCall[];
  responses: ResponseCall[];
  /** A fresh `response_url` on this server. */
  responseUrl(): string;
  /** Resolves once `check` holds (it polls; fails after `ms`). */
  until<T>(check: () => T | undefined, ms?: number): Promise<T>;
  /** Make the next Web API calls fail with this Slack error (`{ok: false, error}`). */
  failWith(error: string | undefined): void;
  close(): Promise<void>;
}

export async function fakeSlack(): Promise<FakeSlack> {
  const calls: ApiCall[] = [];
  const responses: ResponseCall[] = [];
  let failure: string | undefined;
  let ts = 1_700_000_000;
  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const path = req.url ?? '/';
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (path.startsWith('/response/')) {
        responses.push({ path, body: JSON.parse(text) as ResponseCall['body'] });
        return json(200, { ok: true });
      }
      const method = path.replace(/^\/api\//, '');
      // The Web API client sends form-encoded arguments, objects and arrays as JSON text.
      const params = req.headers['content-type']?.includes('json') ? (JSON.parse(text) as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(text));
      const args: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(params)) args[k] = typeof v === 'string' && /^[[{]/.test(v) ? JSON.parse(v) : v;
      calls.push({ method, args, token: req.headers.authorization?.replace(/^Bearer /, '') });
      if (failure) return json(200, { ok: false, error: failure });
      if (method === 'chat.postMessage') return json(200, { ok: true, channel: args.channel, ts: `${ts++}.000100` });
      if (method === 'chat.update') return json(200, { ok: true, channel: args.channel, ts: args.ts });
      return json(200, { ok: false, error: 'unknown_method' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api/`,
    calls,
    responses,
    responseUrl: () => `${base}/response/${randomBytes(4).toString('hex')}`,
    async until(check, ms = 15_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const got = check();
        if (got !== undefined && got !== false) return got;
        if (Date.now() > deadline) throw new Error('the fake Slack did not receive what the test waits for');
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    failWith: (error) => (failure = error),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Every text in a message's blocks, joined (what a person reads). */
export function textOf(message: Partial<SlackMessage> | undefined): string {
  const texts: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) if (k === 'text' && typeof x === 'string') texts.push(x);
      else walk(x);
    }
  };
  walk(message?.blocks);
  return texts.join('\n');
}

/** The buttons of a message: action id → value. */
export function buttonsOf(message: Partial<SlackMessage> | undefined): Record<string, string> {
  const actions = (message?.blocks ?? []).filter((b) => b.type === 'actions') as { elements: { action_id: string; value: string }[] }[];
  return Object.fromEntries(actions.flatMap((a) => a.elements.map((e) => [e.action_id, e.value])));
}

/** A `block_actions` payload as Slack sends it when `user` clicks `action` on an approval message. */
export function clickPayload(approvalId: string, action: 'fixbridge_approve' | 'fixbridge_reject', user: string, responseUrl?: string) {
  return {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T0TEAM' },
    api_app_id: 'A0APP',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: CHANNEL, is_ephemeral: false },
    trigger_id: `${Date.now()}.1.${randomBytes(8).toString('hex')}`,
    team: { id: 'T0TEAM', domain: 'acme' },
    channel: { id: CHANNEL, name: 'security' },
    ...(responseUrl ? { response_url: responseUrl } : {}),
    actions: [{ action_id: action, block_id: 'fixbridge_decision', value: approvalId, type: 'button', action_ts: `${Date.now() / 1000}` }],
  };
}

/** The form body Slack POSTs for `payload`. */
export function formBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** Headers of a request signed with `secret` at `timestamp` (seconds; default now). */
export function signedHeaders(body: string, secret = SIGNING_SECRET, timestamp = String(Math.floor(Date.now() / 1000))): Record<string, string> {
  return { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': slackSignature(secret, timestamp, body) };
}

/** POST a signed click to an interaction endpoint. */
export async function postClick(url: string, payload: unknown, headers?: Record<string, string>): Promise<{ status: number; body: string }> {
  const body = formBody(payload);
  const res = await fetch(url, { method: 'POST', headers: headers ?? signedHeaders(body), body });
  return { status: res.status, body: await res.text() };
}

/** `fixbridge slack serve --port 0 …` run in-process (the real command); resolves once it listens. */
export async function serveInProcess(args: string[], env: Record<string, string | undefined>, clients?: ClientPool) {
  const stop = new AbortController();
  let stdout = '';
  let stderr = '';
  let listening: (url: string) => void = () => {};
  const ready = new Promise<string>((resolve) => (listening = resolve));
  const exited = main(['slack', 'serve', '--port', '0', ...args], {
    stdout: (s) => {
      stdout += s;
      const url = /Slack interactions at (http:\/\/\S+)\/slack\/interactions/.exec(stdout)?.[1];
      if (url) listening(url);
    },
    stderr: (s) => (stderr += s),
    readStdin: async () => '',
    isTTY: false,
    env,
    signal: stop.signal,
    ...(clients ? { clients } : {}),
  });
  const url = await Promise.race([ready, exited.then((code) => Promise.reject(new Error(`slack serve exited ${code}: ${stderr}`)))]);
  return {
    url,
    interactions: `${url}/slack/interactions`,
    output: () => stdout,
    /** Stop the server (after the decisions in flight); resolves to its exit code. */
    stop: async () => (stop.abort(), exited),
  };
}
