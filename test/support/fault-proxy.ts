/**
 * A fault-injecting loopback proxy in front of the emulator. Every request the SDK sends is parsed
 * enough to know its service, operation and parameters (`Call`); a seeded decision then passes it,
 * answers it with the service's own throttling error in the service's own protocol, answers 500 or
 * 503, drops the connection before forwarding (nothing happened), or forwards it and drops the
 * connection before the answer (it happened, the caller never hears). Optional latency per call and
 * a hook that runs before a call is forwarded (a person's edit landing at an exact moment).
 *
 * Node's http is enough for a proxy of a few hundred lines; the PRNG is mulberry32 (a few lines,
 * seeded, no dependency) so a run is reproducible from its seed.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault = 'pass' | 'throttle' | 'error-500' | 'error-503' | 'drop-before' | 'drop-after';
export const FAULTS: readonly Fault[] = ['pass', 'throttle', 'error-500', 'error-503', 'drop-before', 'drop-after'];

export type Protocol = 'json' | 'query' | 'rest-json';

/** One request as the proxy saw it. */
export interface Call {
  seq: number;
  /** The SigV4 signing name: sqs, sns, mq, kms, logs, monitoring, dynamodb, sts, ssm, events … */
  service: string;
  operation: string;
  protocol: Protocol;
  /** The JSON body, the query parameters, or (REST) the path parameters. */
  params: Record<string, unknown>;
  method: string;
  path: string;
  /** Sent by fixbridge (its user agent), not by the test playing the account's users. */
  fromFixbridge: boolean;
  /** The caller's `AWS_SDK_UA_APP_ID` (`app/<id>` in its user agent): which process sent it. */
  appId?: string | undefined;
  /** A call that changes something (by its operation name). */
  write: boolean;
  /** What the proxy did with it. */
  fault: Fault;
}

/** Operations that change something: every name not starting with a read verb. */
export function isWriteOperation(operation: string): boolean {
  return !/^(Get|Describe|List|Receive|Query|Scan|Lookup|Search|BatchGet)/.test(operation);
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Probabilities of each fault (the rest passes). */
export type FaultRates = Partial<Record<Exclude<Fault, 'pass'>, number>>;

/** A decision from fixed rates, for calls that `applies` selects (default: every call fixbridge sends). */
export function faultRates(rates: FaultRates, applies: (call: Call) => boolean = (c) => c.fromFixbridge): (call: Call, rand: () => number) => Fault {
  const entries = Object.entries(rates) as [Exclude<Fault, 'pass'>, number][];
  return (call, rand) => {
    if (!applies(call)) return 'pass';
    let x = rand();
    for (const [fault, p] of entries) {
      if (x < p) return fault;
      x -= p;
    }
    return 'pass';
  };
}

export interface FaultProxyOptions {
  /** The emulator's URL. */
  target: string;
  seed?: number;
  /** What to do with a call (default: pass everything). */
  decide?: (call: Call, rand: () => number) => Fault;
  /** Added before each call is forwarded (or answered with a fault). */
  latencyMs?: number | ((call: Call) => number);
  /** Runs before a call is forwarded, after its latency (e.g. a person's edit applied straight to the emulator). */
  before?: (call: Call) => Promise<void> | void;
  /** Port to listen on (default: any free loopback port). */
  port?: number;
}

export interface FaultProxy {
  url: string;
  /** Every call seen, in arrival order. */
  calls: Call[];
  /** Calls per fault. */
  counts(): Record<Fault, number>;
  /** Replace the decision, latency or hook (between runs of a test). */
  configure(opts: Partial<Pick<FaultProxyOptions, 'decide' | 'latencyMs' | 'before' | 'seed'>>): void;
  close(): Promise<void>;
}

/** Which Amazon MQ operation a REST request is (the only REST-JSON service fixbridge calls). */
function mqOperation(method: string, path: string): { operation: string; params: Record<string, unknown> } {
  const parts = path.split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent);
  const [, collection, id, sub] = parts; // v1, brokers|tags|configurations, id, sub-resource
  if (collection === 'tags') return { operation: method === 'GET' ? 'ListTags' : method === 'DELETE' ? 'DeleteTags' : 'CreateTags', params: { ResourceArn: id } };
  if (collection === 'brokers') {
    if (!id) return { operation: method === 'GET' ? 'ListBrokers' : 'CreateBroker', params: {} };
    if (sub === 'reboot') return { operation: 'RebootBroker', params: { BrokerId: id } };
    if (sub) return { operation: `${method === 'GET' ? 'Describe' : 'Update'}Broker${sub}`, params: { BrokerId: id } };
    return { operation: method === 'GET' ? 'DescribeBroker' : method === 'DELETE' ? 'DeleteBroker' : 'UpdateBroker', params: { BrokerId: id } };
  }
  return { operation: `${method} ${collection ?? ''}`, params: {} };
}

function describeCall(seq: number, req: IncomingMessage, body: string): Omit<Call, 'fault'> {
  const headers = req.headers;
  const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(String(headers.authorization ?? ''))?.[1] ?? 'unknown';
  const method = req.method ?? 'GET';
  const path = req.url ?? '/';
  const agent = `${String(headers['user-agent'] ?? '')} ${String(headers['x-amz-user-agent'] ?? '')}`;
  const fromFixbridge = /fixbridge/i.test(agent);
  const appId = /(?:^|\s)app\/(\S+)/.exec(agent)?.[1];
  const target = headers['x-amz-target'];
  let protocol: Protocol;
  let operation: string;
  let params: Record<string, unknown> = {};
  if (typeof target === 'string') {
    protocol = 'json';
    operation = target.split('.').pop() ?? target;
    try {
      params = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      params = {};
    }
  } else if (/x-www-form-urlencoded/.test(String(headers['content-type'] ?? '')) || /[?&]Action=/.test(path)) {
    protocol = 'query';
    const query = new URLSearchParams(body || path.split('?')[1] || '');
    params = Object.fromEntries(query.entries());
    operation = String(params.Action ?? 'Unknown');
  } else {
    protocol = 'rest-json';
    ({ operation, params } = service === 'mq' ? mqOperation(method, path) : { operation: `${method} ${path.split('?')[0]}`, params: {} });
  }
  return { seq, service, operation, protocol, params, method, path, fromFixbridge, appId, write: isWriteOperation(operation) };
}

/** The throttling errors each service answers with, as its SDK models them (a run picks one per throttled call). */
const THROTTLES: Record<string, { code: string; status: number; queryCode?: string }[]> = {
  // SQS speaks JSON with query compatibility: the __type is the modelled shape, the header carries the query code.
  sqs: [
    { code: 'RequestThrottled', status: 403, queryCode: 'RequestThrottled' },
    { code: 'ThrottlingException', status: 400, queryCode: 'ThrottlingException' },
  ],
  sns: [
    { code: 'Throttled', status: 429 },
    { code: 'Throttling', status: 400 },
  ],
  mq: [{ code: 'TooManyRequestsException', status: 429 }],
  kms: [{ code: 'ThrottlingException', status: 400 }],
  logs: [{ code: 'ThrottlingException', status: 400 }],
  monitoring: [{ code: 'Throttling', status: 400 }],
  dynamodb: [{ code: 'ThrottlingException', status: 400 }],
};
const DEFAULT_THROTTLE: { code: string; status: number; queryCode?: string }[] = [{ code: 'Throttling', status: 400 }];
const JSON_NAMESPACE: Record<string, string> = { sqs: 'com.amazonaws.sqs', dynamodb: 'com.amazonaws.dynamodb.v20120810', kms: 'com.amazonaws.kms' };
const XML_NAMESPACE: Record<string, string> = { sns: 'http://sns.amazonaws.com/doc/2010-03-31/', sqs: 'http://queue.amazonaws.com/doc/2012-11-05/', monitoring: 'http://monitoring.amazonaws.com/doc/2010-08-01/' };

/** An error answer in the call's protocol. */
function errorAnswer(call: Omit<Call, 'fault'>, code: string, status: number, message: string, queryCode?: string): { status: number; headers: Record<string, string>; body: string } {
  const requestId = `fault-${call.seq}`;
  if (call.protocol === 'query') {
    const ns = XML_NAMESPACE[call.service];
    const type = status >= 500 ? 'Receiver' : 'Sender';
    return {
      status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: `<ErrorResponse${ns ? ` xmlns="${ns}"` : ''}><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  if (call.protocol === 'json') {
    const ns = JSON_NAMESPACE[call.service];
    return {
      status,
      headers: {
        'content-type': call.service === 'sqs' || call.service === 'dynamodb' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1',
        'x-amzn-requestid': requestId,
        ...(call.service === 'sqs' ? { 'x-amzn-query-error': `${queryCode ?? code};${status >= 500 ? 'Receiver' : 'Sender'}` } : {}),
      },
      body: JSON.stringify({ __type: ns ? `${ns}#${code}` : code, message }),
    };
  }
  return { status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': code, 'x-amzn-requestid': requestId }, body: JSON.stringify({ message }) };
}

function forward(target: URL, req: IncomingMessage, headers: IncomingHttpHeaders, body: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const out = httpRequest(
      { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  let opts = { ...options };
  let rand = prng(opts.seed ?? 1);
  const calls: Call[] = [];
  const sockets = new Set<Socket>();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const described = describeCall(calls.length + 1, req, body.toString('utf8'));
    const fault = opts.decide ? opts.decide({ ...described, fault: 'pass' }, rand) : 'pass';
    const call: Call = { ...described, fault };
    calls.push(call);
    const latency = typeof opts.latencyMs === 'function' ? opts.latencyMs(call) : (opts.latencyMs ?? 0);
    if (latency > 0) await sleep(latency);
    if (opts.before) await opts.before(call);

    const answer = (a: { status: number; headers: Record<string, string>; body: string }) => {
      res.writeHead(a.status, { ...a.headers, 'content-length': Buffer.byteLength(a.body) });
      res.end(a.body);
    };
    switch (fault) {
      case 'drop-before':
        req.socket.destroy();
        return;
      case 'throttle': {
        const choices = THROTTLES[call.service] ?? DEFAULT_THROTTLE;
        const t = choices[Math.floor(rand() * choices.length)]!;
        answer(errorAnswer(call, t.code, t.status, 'Rate exceeded', t.queryCode));
        return;
      }
      case 'error-500':
        answer(errorAnswer(call, call.service === 'sqs' ? 'InternalError' : 'InternalFailure', 500, 'We encountered an internal error. Please try again.'));
        return;
      case 'error-503':
        answer(errorAnswer(call, 'ServiceUnavailable', 503, 'Service is unavailable. Please try again.'));
        return;
      default:
        break;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !HOP_BY_HOP.has(k)));
    const upstream = await forward(target, req, headers, body);
    if (fault === 'drop-after') {
      req.socket.destroy(); // the emulator did it; the caller never hears
      return;
    }
    const back = Object.fromEntries(Object.entries(upstream.headers).filter(([k]) => !HOP_BY_HOP.has(k) && k !== 'content-length'));
    res.writeHead(upstream.status, { ...back, 'content-length': upstream.body.length });
    res.end(upstream.body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`fault proxy: ${err.message}`);
      } else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    counts() {
      const out = Object.fromEntries(FAULTS.map((f) => [f, 0])) as Record<Fault, number>;
      for (const c of calls) out[c.fault]++;
      return out;
    },
    configure(next) {
      opts = { ...opts, ...next };
      if (next.seed !== undefined) rand = prng(next.seed);
    },
    close() {
      return new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
    },
  };
}
