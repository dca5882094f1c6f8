/**
 * `fixbridge slack serve`: Slack's interaction endpoint on this machine (`POST /slack/interactions`,
 * `GET /healthz`), for teams that run fixbridge outside Lambda. The request handling is the hub's
 * own (`handleInteraction`); a decision is answered at once with an empty 200 and carried out in the
 * background through the same steps as `fixbridge approve`, then its outcome replaces the Slack
 * message through the interaction's `response_url`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeError } from '@fixbridge/core';
import { decide, describeDecider, type ApprovalNotifier, type ApprovalStore, type DecideDeps } from '@fixbridge/core/approvals';
import { ephemeral, handleInteraction, INTERACTIONS_PATH, reportToSlack, respond, type DecisionRequest, type InteractionDeps } from '@fixbridge/core/slack';

const MAX_BODY_BYTES = 1 << 20;

export interface SlackServerOptions {
  port: number;
  host: string;
  signingSecret: string;
  store: ApprovalStore;
  decideDeps: DecideDeps;
  notifier?: ApprovalNotifier | undefined;
  log: (line: string) => void;
}

export interface SlackServer {
  url: string;
  /** Stop taking requests, then wait for the decisions in flight. */
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function serveSlack(opts: SlackServerOptions): Promise<SlackServer> {
  const inflight = new Set<Promise<void>>();
  const carryOut = async (request: DecisionRequest) => {
    try {
      const decided = await decide(request.approvalId, request.verdict, request.by, opts.decideDeps);
      opts.log(decided.kind === 'refused' ? `${request.approvalId}: refused: ${decided.reason}` : `${request.approvalId} ${request.verdict.verdict === 'approve' ? 'approved' : 'rejected'} by ${describeDecider(request.by)}: ${decided.approval.status}`);
      await reportToSlack(decided, request.responseUrl, { notifier: opts.notifier });
    } catch (err) {
      opts.log(`${request.approvalId}: deciding failed: ${describeError(err)}`);
      if (request.responseUrl) await respond(request.responseUrl, ephemeral(`fixbridge could not carry out the decision on ${request.approvalId}: ${describeError(err)}`)).catch(() => {});
    }
  };
  const deps: InteractionDeps = {
    signingSecret: opts.signingSecret,
    find: (id) => opts.store.get(id),
    respond,
    warn: opts.log,
    submit: async (request) => {
      const p = carryOut(request).finally(() => inflight.delete(p));
      inflight.add(p);
    },
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path === '/healthz' && req.method === 'GET') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      if (path !== INTERACTIONS_PATH) return void res.writeHead(404).end();
      const body = await readBody(req);
      if (!body) return void res.writeHead(413).end();
      const out = await handleInteraction({ method: req.method ?? 'GET', headers: req.headers, body }, deps);
      res.writeHead(out.status).end(out.body);
    })().catch((err: unknown) => {
      opts.log(`request failed: ${describeError(err)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...inflight]);
    },
  };
}
