/** Helpers for integration tests: plain SDK clients for seeding and checking, and CLI runners. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient, TagQueueCommand } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import { MqClient } from '@aws-sdk/client-mq';
import { main } from '../../packages/cli/src/main';
import { ClientPool, createClients, type Result } from '@fixbridge/core';

export { ROOT } from './paths';
import { ROOT } from './paths';
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/** Clients WITHOUT the fixbridge user agent: they play the part of the account's users. */
export function seedClients() {
  const cfg = { region: REGION };
  return { sqs: new SQSClient(cfg), sns: new SNSClient(cfg), kms: new KMSClient(cfg), mq: new MqClient(cfg) };
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function queueArn(name: string): string {
  return `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
}

export async function createQueue(name: string, attributes: Record<string, string> = {}, tags?: Record<string, string>) {
  const { sqs } = seedClients();
  const out = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (tags) await sqs.send(new TagQueueCommand({ QueueUrl: out.QueueUrl!, Tags: tags }));
  return { url: out.QueueUrl!, arn: queueArn(name), name };
}

export async function queueAttributes(url: string): Promise<Record<string, string>> {
  const out = await seedClients().sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  return out.Attributes ?? {};
}

export async function createKey(policy?: object): Promise<{ keyId: string; arn: string }> {
  const out = await seedClients().kms.send(new CreateKeyCommand({ Description: 'fixbridge test key', ...(policy ? { Policy: JSON.stringify(policy) } : {}) }));
  return { keyId: out.KeyMetadata!.KeyId!, arn: out.KeyMetadata!.Arn! };
}

/** A key policy letting the account administer the key, plus `services` use it. */
export function keyPolicy(services: string[] = []): object {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
      ...(services.length
        ? [{ Sid: 'Producers', Effect: 'Allow', Principal: { Service: services }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: '*' }]
        : []),
    ],
  };
}

export function tempFile(name: string, content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'fixbridge-test-'));
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The runner's environment without the colour switches: a developer's (or CI's) FORCE_COLOR or
 * NO_COLOR must not change what the CLI prints in a test. Read at each call (tests set variables).
 */
function cliEnv(): Record<string, string | undefined> {
  const { FORCE_COLOR: _force, NO_COLOR: _no, ...env } = process.env;
  return env;
}

/** Run the CLI in-process (same code path as the binary, much faster). */
export async function cli(args: string[], stdin = '', clients?: ClientPool): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    readStdin: async () => stdin,
    isTTY: false,
    env: cliEnv(),
    ...(clients ? { clients } : {}),
  });
  return { code, stdout, stderr };
}

/** Run the CLI with --json and return its results. Fails the test on a bad exit code. */
export async function cliResults(args: string[], expectCode = 0): Promise<Result[]> {
  const run = await cli([...args, '--json']);
  if (run.code !== expectCode) throw new Error(`fixbridge ${args.join(' ')} exited ${run.code}\n${run.stderr}\n${run.stdout}`);
  return (JSON.parse(run.stdout) as { results: Result[] }).results;
}

/** Run the real binary (`node packages/cli/bin/fixbridge.js`) as a user would. */
export function spawnCli(args: string[], stdin?: string, env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'packages/cli/bin/fixbridge.js'), ...args], {
      env: { ...cliEnv(), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/** A client pool that records every command the engine sends (to prove "no write when compliant"), and its input. */
export function recordingPool(): { pool: ClientPool; calls: string[]; requests: { command: string; input: Record<string, unknown> }[] } {
  const calls: string[] = [];
  const requests: { command: string; input: Record<string, unknown> }[] = [];
  const pool = new ClientPool((region) => {
    const c = createClients({ region });
    for (const client of [c.sqs, c.sns, c.kms, c.mq] as { middlewareStack: { add: (...a: any[]) => void } }[]) {
      client.middlewareStack.add(
        (next: (a: { input?: Record<string, unknown> }) => Promise<unknown>, context: { commandName?: string }) => async (args: { input?: Record<string, unknown> }) => {
          calls.push(context.commandName ?? '?');
          requests.push({ command: context.commandName ?? '?', input: args.input ?? {} });
          return next(args);
        },
        { step: 'initialize', name: 'fixbridgeTestRecorder' },
      );
    }
    return c;
  });
  return { pool, calls, requests };
}

/** Run the CLI in-process with a recording client pool. */
export async function cliRecorded(args: string[]): Promise<CliRun & { calls: string[]; results: Result[] }> {
  const { pool, calls } = recordingPool();
  const run = await cli([...args, '--json'], '', pool);
  const results = run.code === 2 ? [] : (JSON.parse(run.stdout) as { results: Result[] }).results;
  return { ...run, calls, results };
}
