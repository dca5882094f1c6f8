/**
 * Property: whatever the input — every fixture of test/fixtures mutated thousands of ways (fields
 * dropped, duplicated, retyped; wrong JSON types anywhere; huge strings; unicode; arrays for
 * objects; broken JSON text) — fixbridge ends in a clean `InputError` (one line, a few hundred
 * characters at most) or in results that are `skipped` (and, for a runbook request, which names its
 * resource by hand, `failed` saying the resource does not exist), run through the engine in auto
 * mode with clients that record every call and find no resource: no write is ever sent, and no
 * reason carries an internal error.
 */
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { ClientPool, createClients, defaultConfig, handle, InputError, MAX_INPUT_ERROR, parseEventText, type Result } from '@fixbridge/core';
import { fixture } from '../support/fixtures';
import { offline } from '../support/projects';
import { INTERNAL_ERROR, recordFigures, SEED } from './support';
import { isWriteOperation } from '../support/fault-proxy';

/** The events mutated, one line each: a new event family is one more line. */
const FIXTURES: readonly (readonly [family: string, file: string])[] = [
  ['cloudtrail', 'cloudtrail-sqs-create-queue.json'],
  ['cloudtrail', 'cloudtrail-sqs-set-queue-attributes.json'],
  ['cloudtrail', 'cloudtrail-sns-create-topic.json'],
  ['cloudtrail', 'cloudtrail-sns-set-topic-attributes.json'],
  ['cloudtrail', 'cloudtrail-sns-tag-resource.json'],
  ['cloudtrail', 'cloudtrail-mq-create-broker.json'],
  ['cloudtrail', 'cloudtrail-mq-update-broker.json'],
  ['cloudtrail', 'cloudtrail-mq-create-tags.json'],
  ['asff', 'securityhub-imported-sqs1.json'],
  ['asff', 'securityhub-imported-sns1.json'],
  ['asff', 'securityhub-imported-mq2.json'],
  ['asff', 'securityhub-custom-action.json'],
  ['asff', 'securityhub-insight-results.json'],
  ['ocsf', 'securityhub-v2-imported-sqs1.json'],
  ['runbook', 'runbook-request.json'],
];
/** Mutated events per fixture (thousands in all). */
const RUNS_PER_FIXTURE = Number(process.env.FIXBRIDGE_PROPERTY_RUNS) || 300;
/** An InputError message stays readable: one line, at most this long. */
const MAX_ERROR_LENGTH = MAX_INPUT_ERROR;
/** A reason quotes what it was given: one line, at most this long (a history row, a Security Hub note). */
const MAX_REASON_LENGTH = 600;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

/** Every path in a JSON value, the root included. */
function pathsOf(v: Json, at: Path = []): Path[] {
  const here = [at];
  if (Array.isArray(v)) return [...here, ...v.flatMap((x, i) => pathsOf(x, [...at, i]))];
  if (v && typeof v === 'object') return [...here, ...Object.entries(v).flatMap(([k, x]) => pathsOf(x, [...at, k]))];
  return here;
}

function get(v: Json, path: Path): Json {
  return path.reduce<Json>((x, k) => (x as Record<string | number, Json>)[k]!, v);
}

/** A copy of `root` with the node at `path` replaced (`undefined`: removed). */
function set(root: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const [k, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = root.slice();
    if (rest.length === 0 && value === undefined) copy.splice(k as number, 1);
    else copy[k as number] = set(copy[k as number]!, rest, value) as Json;
    return copy;
  }
  const copy = { ...(root as Record<string, Json>) };
  if (rest.length === 0 && value === undefined) delete copy[k as string];
  else copy[k as string] = set(copy[k as string]!, rest, value) as Json;
  return copy;
}

/** Strings an attacker, a bug upstream or a truncated pipe might produce. */
const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '\n', 'null', 'undefined', '{}', '[]', '__proto__', 'constructor', 'arn:', 'arn:aws:sqs:us-east-1:123456789012:', 'arn:aws:sqs:us-east-1:123456789012:q\nq', 'https://sqs.us-east-1.amazonaws.com/123456789012/', '\u0000', '\u202e\u0301😀'),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 100, max: 5_000 }).map((n) => 'é😀\n'.repeat(n)),
);

/** A value of any JSON type (the wrong one, mostly). */
const anyJson: fc.Arbitrary<Json> = fc.oneof<fc.Arbitrary<Json>[]>(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  nastyString,
  fc.constant([] as Json[]),
  fc.constant({} as Json),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

/** One mutation of a JSON value, as a function of the node it picks. */
type Mutation = (root: Json) => Json;
const OPS = ['drop', 'duplicate', 'retype', 'retype', 'wrap in an array', 'array to object', 'stringify', 'nasty string'];
const mutation: fc.Arbitrary<Mutation> = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 }), anyJson, nastyString).map(([pick, op, value, text]) => describedAs(`${OPS[op]} node #${pick} (value ${JSON.stringify(value)?.slice(0, 60)}, text ${JSON.stringify(text.slice(0, 40))}${text.length > 40 ? `… ${text.length}` : ''})`, (root: Json) => {
  const paths = pathsOf(root);
  const path = paths[pick % paths.length]!;
  const node = get(root, path);
  switch (op) {
    case 0: // drop the field (or the array element)
      return path.length ? set(root, path, undefined) : root;
    case 1: // duplicate it: an array element twice, or the field again under another name
      if (path.length === 0) return root;
      if (typeof path.at(-1) === 'number') {
        const parent = get(root, path.slice(0, -1)) as Json[];
        return set(root, path.slice(0, -1), [...parent, node]);
      }
      return set(root, [...path.slice(0, -1), `${String(path.at(-1))}${text.slice(0, 3)}`], node);
    case 2: // another JSON type
    case 3:
      return set(root, path, value);
    case 4: // an array for an object (or a value)
      return set(root, path, [node]);
    case 5: // an object for an array
      return set(root, path, Array.isArray(node) ? Object.fromEntries(node.map((x, i) => [String(i), x])) : { value: node });
    case 6: // the value as a JSON string
      return set(root, path, JSON.stringify(node));
    default: // a nasty string
      return set(root, path, text);
  }
}));

/** A function that prints as `text` in fast-check's counterexamples. */
function describedAs<F extends object>(text: string, f: F): F {
  return Object.assign(f, { [fc.toStringMethod]: () => text });
}

/** Text-level damage, after the JSON mutations: none (mostly), cut short, or a byte changed. */
const textDamage = fc.oneof(
  { weight: 8, arbitrary: fc.constant(describedAs('no text damage', (t: string) => t)) },
  { weight: 1, arbitrary: fc.nat().map((n) => describedAs(`cut at ${n}`, (t: string) => t.slice(0, n % Math.max(1, t.length)))) },
  { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.constantFrom('{', '}', '"', ',', '\\', ']')).map(([n, c]) => describedAs(`${c} at ${n}`, (t: string) => t.slice(0, n % t.length) + c + t.slice((n % t.length) + 1))) },
);

/** Clients that record each call and answer every one as its service does for a resource that does not exist. */
function notFoundPool(): { pool: ClientPool; calls: string[] } {
  const calls: string[] = [];
  const notFound: Record<string, string> = { SQS: 'QueueDoesNotExist', SNS: 'NotFoundException', mq: 'NotFoundException' };
  const pool = new ClientPool((region) => {
    const c = createClients({ region });
    for (const [service, client] of Object.entries({ SQS: c.sqs, SNS: c.sns, mq: c.mq, KMS: c.kms, CloudWatch: c.cloudwatch, Logs: c.logs, STS: c.sts })) {
      (client as unknown as { middlewareStack: { add: (...a: unknown[]) => void } }).middlewareStack.add(
        (_next: unknown, context: { commandName?: string }) => async () => {
          calls.push(context.commandName ?? '?');
          throw Object.assign(new Error('The specified resource does not exist.'), { name: notFound[service] ?? 'NotFoundException', $fault: 'client', $metadata: { httpStatusCode: 404 } });
        },
        { step: 'initialize', name: 'fixbridgeNotFound' },
      );
    }
    return c;
  });
  return { pool, calls };
}

interface Outcome {
  error?: string;
  results?: Result[];
  calls: string[];
}

async function outcomeOf(text: string, pool: ReturnType<typeof notFoundPool>): Promise<Outcome> {
  const from = pool.calls.length;
  try {
    const event = parseEventText(text, 'event');
    const results = await handle(event, { config: defaultConfig(), modeOverride: 'auto', clientsFor: (ref) => pool.pool.get(ref.region), verifyDelaysMs: [], retryDelayMs: () => 0 });
    return { results, calls: pool.calls.slice(from) };
  } catch (err) {
    if (!(err instanceof InputError)) throw err; // anything else is an internal error: the property fails
    return { error: err.message, calls: pool.calls.slice(from) };
  }
}

/** What is wrong with an outcome, or undefined. */
function problemOf(o: Outcome): string | undefined {
  const writes = o.calls.filter((c) => isWriteOperation(c.replace(/Command$/, '')));
  if (writes.length) return `sent ${writes.join(', ')}`;
  if (o.error !== undefined) {
    if (/\n|\r/.test(o.error)) return `the InputError spans lines: ${JSON.stringify(o.error.slice(0, 200))}`;
    if (o.error.length > MAX_ERROR_LENGTH) return `the InputError is ${o.error.length} characters: ${o.error.slice(0, 200)}…`;
    if (INTERNAL_ERROR.test(o.error)) return `an internal error in the InputError: ${o.error}`;
    return undefined;
  }
  for (const r of o.results ?? []) {
    if (INTERNAL_ERROR.test(r.reason)) return `an internal error in a reason: ${r.reason.slice(0, 300)}`;
    if (/\n|\r/.test(r.reason)) return `a reason spans lines: ${JSON.stringify(r.reason.slice(0, 200))}`;
    if (r.reason.length > MAX_REASON_LENGTH) return `a reason is ${r.reason.length} characters: ${r.reason.slice(0, 200)}…`;
    if (r.status === 'skipped') continue;
    if (r.status === 'failed' && /^(queue|topic|broker) \S+ does not exist; check the ARN, region and account$/.test(r.reason)) continue;
    return `${r.status}: ${r.reason.slice(0, 300)}`;
  }
  return undefined;
}

offline('property: any mutated event ends in a clean input error or skipped results, never a write', () => {
  const figures = { fixtures: FIXTURES.length, events: 0, inputErrors: 0, routed: 0, readsTried: 0, writes: 0, statuses: {} as Record<string, number> };
  afterAll(() => recordFigures('events', figures));

  it.each(FIXTURES)(`%s %s, ${RUNS_PER_FIXTURE} mutations`, async (_family, file) => {
    const base = fixture(file) as Json;
    const pool = notFoundPool();
    // The fixture itself, as a control: it parses and reaches the engine.
    const control = await outcomeOf(JSON.stringify(base), pool);
    expect(control.error).toBeUndefined();
    expect(problemOf(control)).toBeUndefined();

    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), textDamage, async (mutations, damage) => {
        const text = damage(JSON.stringify(mutations.reduce((v, m) => m(v), base)));
        const outcome = await outcomeOf(text, pool);
        figures.events++;
        if (outcome.error !== undefined) figures.inputErrors++;
        else figures.routed++;
        if (outcome.calls.length) figures.readsTried++;
        for (const r of outcome.results ?? []) figures.statuses[r.status] = (figures.statuses[r.status] ?? 0) + 1;
        const problem = problemOf(outcome);
        if (problem) throw new Error(problem);
      }),
      { numRuns: RUNS_PER_FIXTURE, seed: SEED },
    );
  }, 120_000);
});
