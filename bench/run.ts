/**
 * Benchmarks (npm run bench): the pure hot paths of the engine, measured on this machine.
 * Targets are budgets per operation, checked here and never in tests (the machine is shared and noisy).
 * Each case runs a warm-up, then takes the median of several timed rounds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG, defaultConfig, parseEvent, parsePolicy, route, type AnyRemediation, type SqsQueueState } from '@fixbridge/core';

const ROOT = join(import.meta.dirname, '..');
const fixture = (name: string) => JSON.parse(readFileSync(join(ROOT, 'test/fixtures', name), 'utf8'));
const config = defaultConfig();

function bigPolicy(statements: number): string {
  const arn = 'arn:aws:sqs:us-east-1:123456789012:orders';
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: Array.from({ length: statements }, (_, i) => ({
      Sid: `S${i}`,
      Effect: 'Allow',
      Principal: i % 2 ? { Service: 'sns.amazonaws.com' } : { AWS: `arn:aws:iam::1111222233${String(i % 100).padStart(2, '0')}:root` },
      Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'],
      Resource: arn,
      Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:sns:us-east-1:123456789012:t${i}` } },
    })),
  });
}

function queue(policyText: string): SqsQueueState {
  return {
    arn: 'arn:aws:sqs:us-east-1:123456789012:orders',
    url: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders',
    name: 'orders',
    accountId: '123456789012',
    region: 'us-east-1',
    fifo: false,
    attributes: { Policy: policyText, SqsManagedSseEnabled: 'false' },
    policy: parsePolicy(policyText),
  };
}

interface Case {
  name: string;
  /** Budget per operation, in microseconds. */
  budgetUs: number;
  run: () => void;
}

const cloudTrail = fixture('cloudtrail-sqs-create-queue.json');
const finding = fixture('securityhub-imported-sqs1.json');
const policy100 = bigPolicy(100);
const q100 = queue(policy100);
const evaluable = CATALOG.filter((r) => r.kind.type === 'sqs-queue' && ['sqs-require-tls', 'sqs-block-public-access'].includes(r.id)) as AnyRemediation[];

const cases: Case[] = [
  { name: 'parse + route a CloudTrail event (4 work items)', budgetUs: 200, run: () => route(parseEvent(cloudTrail), config) },
  { name: 'parse + route a Security Hub finding', budgetUs: 200, run: () => route(parseEvent(finding), config) },
  { name: 'parse a 100-statement queue policy', budgetUs: 2_000, run: () => parsePolicy(policy100) },
  {
    name: 'evaluate require-tls + block-public on a 100-statement policy',
    budgetUs: 2_000,
    run: () => {
      for (const r of evaluable) r.evaluate({ queue: q100 }, {}, { exemptTagKey: 'fixbridge:exempt' });
    },
  },
];

function measure(c: Case): number {
  const iterations = 2_000;
  for (let i = 0; i < 200; i++) c.run();
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) c.run();
    rounds.push(Number(process.hrtime.bigint() - t0) / 1_000 / iterations);
  }
  return rounds.sort((a, b) => a - b)[2]!;
}

let over = 0;
for (const c of cases) {
  const us = measure(c);
  const ok = us <= c.budgetUs;
  if (!ok) over++;
  console.log(`${ok ? 'ok  ' : 'OVER'}  ${us.toFixed(1).padStart(8)} µs/op  (budget ${c.budgetUs} µs)  ${c.name}`);
}
console.log(over ? `${over} case(s) over budget` : 'all cases within budget');
process.exitCode = over ? 1 : 0;
