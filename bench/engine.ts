/**
 * The engine's pure hot paths, no I/O: parse → route → evaluate, timed as the median of several
 * rounds after a warm-up. Each case has a budget per operation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG, defaultConfig, optionsOf, parseEvent, parsePolicy, route, type AnyRemediation, type SqsQueueState } from '@fixbridge/core';

const ROOT = join(import.meta.dirname, '..');
const fixture = (name: string) => JSON.parse(readFileSync(join(ROOT, 'test/fixtures', name), 'utf8'));
const config = defaultConfig();
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:orders';

function bigPolicy(statements: number): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: Array.from({ length: statements }, (_, i) => ({
      Sid: `S${i}`,
      Effect: 'Allow',
      Principal: i % 2 ? { Service: 'sns.amazonaws.com' } : { AWS: `arn:aws:iam::1111222233${String(i % 100).padStart(2, '0')}:root` },
      Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'],
      Resource: QUEUE_ARN,
      Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:sns:us-east-1:123456789012:t${i}` } },
    })),
  });
}

function queue(policyText: string | undefined, attributes: Record<string, string> = {}): SqsQueueState {
  return {
    arn: QUEUE_ARN,
    url: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders',
    name: 'orders',
    accountId: '123456789012',
    region: 'us-east-1',
    fifo: false,
    attributes: { ...(policyText ? { Policy: policyText } : {}), SqsManagedSseEnabled: 'false', ...attributes },
    policy: parsePolicy(policyText),
  };
}

export interface EngineCase {
  name: string;
  /** Budget per operation, in microseconds. */
  budgetUs: number;
  run: () => void;
}

const cloudTrail = fixture('cloudtrail-sqs-create-queue.json');
const finding = fixture('securityhub-imported-sqs1.json');
const policy100 = bigPolicy(100);
const q100 = queue(policy100);
const qPlain = queue(undefined);
const byId = (id: string) => CATALOG.find((r) => r.id === id)!;
const evaluable = ['sqs-require-tls', 'sqs-block-public-access'].map(byId);
const sqsRemediations = CATALOG.filter((r) => r.kind.type === 'sqs-queue') as AnyRemediation[];
/** What each SQS remediation's read returns for a plain queue (no I/O: built here). */
const inputs: Record<string, unknown> = {
  'sqs-encrypt-at-rest': { queue: qPlain },
  'sqs-require-tls': { queue: qPlain },
  'sqs-block-public-access': { queue: qPlain },
  'sqs-dead-letter-queue': { queue: qPlain, sourceQueues: [] },
  'sqs-required-tags': { resource: qPlain, tags: {} },
};

export const ENGINE_CASES: EngineCase[] = [
  { name: 'parse + route a CloudTrail event (5 work items)', budgetUs: 200, run: () => route(parseEvent(cloudTrail), config) },
  { name: 'parse + route a Security Hub finding', budgetUs: 200, run: () => route(parseEvent(finding), config) },
  {
    name: 'parse → route → evaluate a CreateQueue event (5 SQS remediations, no I/O)',
    budgetUs: 400,
    run: () => {
      for (const item of route(parseEvent(cloudTrail), config)) {
        const r = item.remediation!;
        r.evaluate(inputs[r.id], optionsOf(config, r), config);
      }
    },
  },
  { name: 'evaluate every SQS remediation of one queue (a sweep’s per-resource work, no I/O)', budgetUs: 200, run: () => sqsRemediations.forEach((r) => r.evaluate(inputs[r.id], optionsOf(config, r), config)) },
  { name: 'parse a 100-statement queue policy', budgetUs: 2_000, run: () => parsePolicy(policy100) },
  {
    name: 'evaluate require-tls + block-public on a 100-statement policy',
    budgetUs: 2_000,
    run: () => {
      for (const r of evaluable) r.evaluate({ queue: q100 }, {}, { exemptTagKey: 'fixbridge:exempt' });
    },
  },
];

/** Microseconds per operation: the median of 5 rounds after a warm-up. */
export function measure(c: EngineCase, iterations = 2_000): number {
  for (let i = 0; i < Math.min(200, iterations); i++) c.run();
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) c.run();
    rounds.push(Number(process.hrtime.bigint() - t0) / 1_000 / iterations);
  }
  return rounds.sort((a, b) => a - b)[2]!;
}
