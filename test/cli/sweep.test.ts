/**
 * `fixbridge sweep` as a user runs it: help and bad input, then against the emulator across two
 * regions (progress lines, the summary table, the report, the JSON document), dry-run → auto →
 * compliant; Ctrl-C in-process and as a real SIGINT (no write half done, the summary, exit 130); an
 * account that cannot be reached (reported, the sweep goes on, exit 1).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STSClient } from '@aws-sdk/client-sts';
import { expect, it } from 'vitest';
import { SweepDocumentSchema } from '@fixbridge/core/sweep';
import { ACCOUNT, cli, ROOT, tempFile, uniqueName } from '../support/aws';
import { expectUsageError, withIo } from '../support/cli';
import { offline, onEmulator } from '../support/projects';
import { accountCredentials, attributesOf, createQueueIn, createQueuesIn, queueArnIn, queueNamesIn, sqsIn } from '../support/sweep';

const parse = (stdout: string) => SweepDocumentSchema.parse(JSON.parse(stdout));

offline('fixbridge sweep: help and bad input', () => {
  it('has its own help: usage, options, Ctrl-C and exit codes', async () => {
    const run = await cli(['sweep', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: fixbridge sweep [options]\n');
    for (const option of ['--services <list>', '--only <remediation-id,...>', '--mode <mode>', '--regions <list|all>', '--accounts <ids|org>', '--role-name <name>', '--external-id <id>', '--concurrency <n>', '--config <file>', '--report <file.md>', '--json', '--no-color']) {
      expect(run.stdout).toContain(`  ${option} `);
    }
    expect(run.stdout).toMatch(/exit code is 130/);
    expect(run.stdout).toMatch(/Exit codes: 0 /);
  });

  it.each([
    [['--services', 'sqs,ec2'], /--services: unknown service "ec2"/],
    [['--only', 'sqs-nope'], /--only: unknown remediation "sqs-nope"/],
    [['--regions', 'us-east-1,Mars'], /--regions: "Mars" is not an AWS region/],
    [['--accounts', '12345'], /--accounts: "12345" is not a 12-digit account id/],
    [['--concurrency', '0'], /--concurrency must be a whole number from 1 to 256, not "0"/],
    [['--mode', 'fix'], /--mode must be one of dry-run, approval, auto/],
    [['--report', '/nonexistent-dir/report.md'], /--report \/nonexistent-dir\/report.md: cannot be written \(ENOENT\)/],
  ])('%j is bad input: one line, exit 2', async (args, message) => {
    expectUsageError(await withIo(['sweep', '--regions', 'us-east-1', ...args], {}), message);
  });

  it('needs a region', async () => {
    expectUsageError(await withIo(['sweep'], { env: {} }), /sweep needs --regions <region,...\|all> or AWS_REGION/);
  });
});

onEmulator('fixbridge sweep', () => {
  const env = () => ({ ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined });

  it('sweeps two regions: dry-run with progress, a summary and a report; auto; then everything compliant', async () => {
    const regions = ['ca-central-1', 'sa-east-1'];
    const name = uniqueName('orders');
    const urls = await Promise.all(regions.map((r) => createQueueIn(sqsIn(r), name, { SqsManagedSseEnabled: 'false' })));
    await createQueueIn(sqsIn(regions[0]!), `${name}-legacy`, { SqsManagedSseEnabled: 'false' }, { 'fixbridge:exempt': 'true' });
    const report = tempFile('report.md', '');
    const only = ['--only', 'sqs-encrypt-at-rest,sqs-require-tls,sqs-block-public-access'];

    const dry = await cli(['sweep', '--regions', regions.join(','), ...only, '--report', report]);
    expect(dry.code).toBe(0);
    // Progress on stderr, plain lines (not a terminal): what is swept, each listing, the end.
    expect(dry.stderr).toMatch(/^fixbridge: sweeping account 123456789012, regions ca-central-1, sa-east-1: 3 remediation\(s\) in dry-run, 16 at a time\n/);
    for (const r of regions) expect(dry.stderr).toMatch(new RegExp(`^fixbridge: listed \\d+ SQS queues? in account 123456789012, ${r}$`, 'm'));
    expect(dry.stderr).toMatch(/^fixbridge: swept \d+ resource\(s\) in [\d.]+s \([\d.]+\/s\); report written to /m);
    // Each finding once, then the summary table per remediation.
    for (const r of regions) expect(dry.stdout).toMatch(new RegExp(`^PLANNED\\s+sqs-encrypt-at-rest  ${queueArnIn(r, name)}$`, 'm'));
    expect(dry.stdout).toMatch(new RegExp(`^SKIPPED\\s+sqs-encrypt-at-rest  ${queueArnIn(regions[0]!, `${name}-legacy`)}\\n\\s+the resource is exempt`, 'm'));
    expect(dry.stdout).toMatch(/^REMEDIATION\s+COMPLIANT\s+PLANNED\s+AWAITING APPROVAL\s+APPLIED\s+BLOCKED\s+NOT REMEDIABLE\s+SKIPPED\s+FAILED$/m);
    expect(dry.stdout).toMatch(/^sqs-encrypt-at-rest\s+\d+\s+[1-9]\d*\s+0\s+0\s+0\s+0\s+[1-9]\d*\s+0$/m);
    expect(dry.stdout).toMatch(/^TOTAL\s/m);
    for (const url of urls) expect((await attributesOf(sqsIn(url.includes('ca-central') ? regions[0]! : regions[1]!), url)).SqsManagedSseEnabled).toBe('false');

    const md = readFileSync(report, 'utf8');
    expect(md).toMatch(/^# fixbridge sweep report\n/);
    expect(md).toContain('- Regions: ca-central-1, sa-east-1');
    expect(md).toMatch(/## Summary\n\n\| remediation \| compliant \| planned \| awaiting-approval \| applied \| blocked \| not-remediable \| skipped \| failed \|\n/);
    const section = md.slice(md.indexOf(`### \`${queueArnIn(regions[1]!, name)}\``));
    expect(section).toMatch(/^- \*\*sqs-encrypt-at-rest\*\* — planned \(dry-run\): /m);
    expect(section).toMatch(/- `SqsManagedSseEnabled`: enable SSE-SQS encryption\n\s+Before: `false` → after: `true`/);
    // A policy change shows the statement it adds, readable.
    expect(section).toMatch(/- `Policy`: add statement FixbridgeDenyInsecureTransport[^\n]*\n\s+Statement added:\n\s+```json\n\s+\{\n\s+"Sid": "FixbridgeDenyInsecureTransport",/);
    expect(existsSync(`${report}.part`)).toBe(false);

    const auto = await cli(['sweep', '--regions', regions.join(','), ...only, '--mode', 'auto', '--json']);
    expect(auto.code).toBe(0);
    const doc = parse(auto.stdout);
    const ours = doc.results.filter((r) => r.resourceArn?.endsWith(`:${name}`));
    expect(ours.map((r) => `${r.resourceArn} ${r.remediation} ${r.status}`).sort()).toEqual(
      regions.flatMap((r) => [`${queueArnIn(r, name)} sqs-block-public-access compliant`, `${queueArnIn(r, name)} sqs-encrypt-at-rest applied`, `${queueArnIn(r, name)} sqs-require-tls applied`]).sort(),
    );
    // `results` are shaped as `run`'s.
    for (const r of ours) expect(Object.keys(r).sort()).toEqual(['changes', 'controls', 'mode', 'reason', 'remediation', 'resourceArn', 'status']);
    expect(doc.summary.totals.applied).toBeGreaterThanOrEqual(4);
    expect(doc.summary.targets.map((t) => t.region)).toEqual(regions);
    expect((await attributesOf(sqsIn(regions[1]!), urls[1]!)).SqsManagedSseEnabled).toBe('true');

    const again = parse((await cli(['sweep', '--regions', regions.join(','), ...only, '--json'])).stdout);
    const after = again.results.filter((r) => r.resourceArn?.includes(`:${name}`));
    expect(new Set(after.map((r) => r.status))).toEqual(new Set(['compliant', 'skipped']));
    expect(after.filter((r) => r.status === 'skipped').every((r) => r.resourceArn!.endsWith('-legacy') && /exempt/.test(r.reason))).toBe(true);
  });

  it('stops on Ctrl-C: the resources in flight finish (no write half done), the summary is printed, exit 130', async () => {
    const region = 'ap-northeast-2';
    const prefix = uniqueName('stop');
    const names = Array.from({ length: 12 }, (_, i) => `${prefix}-${i}`);
    const sqs = sqsIn(region);
    const urls = await createQueuesIn(sqs, names);
    let interrupt: (() => void) | undefined;
    let pressed = false;
    let stdout = '';
    let stderr = '';
    const code = await withIo(['sweep', '--regions', region, '--only', 'sqs-dead-letter-queue', '--mode', 'auto', '--concurrency', '3', '--json'], {
      env: env(),
      onInterrupt: (handler) => {
        interrupt = handler;
        return () => (interrupt = undefined);
      },
      // Ctrl-C as soon as the first result is out.
      stdout: (s) => {
        stdout += s;
        if (!pressed && s.includes('"status"')) {
          pressed = true;
          interrupt?.();
        }
      },
      stderr: (s) => (stderr += s),
    }).then((r) => r.code);
    expect(pressed).toBe(true);
    expect(code).toBe(130);
    expect(stderr).toContain('fixbridge: stopping (Ctrl-C): no new resource is started');
    expect(stderr).toMatch(/^fixbridge: stopped after \d+ resource\(s\) in [\d.]+s \([\d.]+\/s\); \d+ listed resource\(s\) not started$/m);
    const doc = parse(stdout);
    expect(doc.summary.interrupted).toBe(true);
    const applied = doc.results.filter((r) => r.status === 'applied' && r.resourceArn?.includes(`:${prefix}-`));
    expect(applied.length).toBeGreaterThanOrEqual(1);
    expect(applied.length).toBeLessThan(names.length);
    // Each queue has both writes of its plan (its DLQ and the RedrivePolicy), or neither.
    const dlqs = new Set(await queueNamesIn(sqs, prefix));
    let fixed = 0;
    for (const [i, n] of names.entries()) {
      const redrive = (await attributesOf(sqs, urls[i]!)).RedrivePolicy;
      expect(Boolean(redrive)).toBe(dlqs.has(`${n}-dlq`));
      if (redrive) fixed++;
    }
    expect(fixed).toBe(applied.length);
  });

  it('stops on a real SIGINT to the fixbridge process, with the JSON document and exit 130', async () => {
    const region = 'ap-northeast-3';
    const prefix = uniqueName('sigint');
    await createQueuesIn(sqsIn(region), Array.from({ length: 20 }, (_, i) => `${prefix}-${i}`));
    const child = spawn(process.execPath, [join(ROOT, 'packages/cli/bin/fixbridge.js'), 'sweep', '--regions', region, '--only', 'sqs-dead-letter-queue', '--mode', 'auto', '--concurrency', '1', '--json'], {
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!sent && stdout.includes('"status"')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(sent).toBe(true);
    expect(code).toBe(130);
    expect(stderr).toContain('fixbridge: stopping (Ctrl-C)');
    const doc = parse(stdout);
    expect(doc.summary).toMatchObject({ interrupted: true });
    expect(doc.summary.resources).toBeLessThan(20);
  });

  it('reports an account it cannot reach in the summary, sweeps the others, and exits 1', async () => {
    const region = 'ca-central-1';
    const [reachable, denied] = ['410987654321', '510987654321'];
    const name = uniqueName('acct');
    await createQueueIn(sqsIn(region, await accountCredentials(reachable)), name);
    const sts = new STSClient({ region: 'us-east-1' });
    sts.middlewareStack.add(
      (next) => async (args) => {
        const input = (args as { input: { RoleArn?: string } }).input;
        if (input.RoleArn?.includes(`::${denied}:`)) throw Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied', $fault: 'client' });
        return next(args);
      },
      { step: 'initialize', name: 'denyOneAccount' },
    );
    const run = await withIo(['sweep', '--regions', region, '--services', 'sqs', '--accounts', `${denied},${reachable}`, '--external-id', 'test-external-id'], { env: env(), sts });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^FAILED\\s+\\(none\\)\\s+\\n\\s+account ${denied}: cannot assume role arn:aws:iam::${denied}:role/fixbridge-remediation`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`PLANNED\\s+sqs-require-tls  ${queueArnIn(region, name, reachable)}`));
    expect(run.stdout).toMatch(new RegExp(`^Not swept:\\n  account ${denied}: `, 'm'));
  });

  it('prints one JSON document even when a region holds nothing', async () => {
    const run = await cli(['sweep', '--regions', 'me-south-1', '--json']);
    expect(run.code).toBe(0);
    expect(parse(run.stdout)).toMatchObject({ results: [], summary: { listed: 0, resources: 0, targets: [{ region: 'me-south-1', listed: 0 }, { listed: 0 }, { listed: 0 }] } });
  });

  it('refuses to sweep another account without the external id (exit 2, nothing read there)', async () => {
    const run = await withIo(['sweep', '--regions', 'ca-central-1', '--accounts', `${ACCOUNT},610987654321`], { env: { ...env(), FIXBRIDGE_EXTERNAL_ID: undefined } });
    expectUsageError(run, /sweeping account 610987654321 \(not 123456789012, the account of the credentials\) needs the member role's external id/);
  });

  it('in approval mode files one approval per plan, files none again on the next sweep, and `approve` applies it', async () => {
    const region = 'eu-south-2';
    const name = uniqueName('approve-me');
    const url = await createQueueIn(sqsIn(region), name);
    const dir = mkdtempSync(join(tmpdir(), 'fixbridge-sweep-approvals-'));
    const args = ['sweep', '--regions', region, '--only', 'sqs-require-tls', '--mode', 'approval', '--approvals', dir, '--json'];

    const first = parse((await cli(args)).stdout);
    const [filed] = first.results.filter((r) => r.resourceArn === queueArnIn(region, name));
    expect(filed).toMatchObject({ status: 'awaiting-approval', remediation: 'sqs-require-tls' });
    const id = filed?.status === 'awaiting-approval' ? filed.approvalId : undefined;
    expect(id).toMatch(/^ap-/);
    expect(first.summary.remediations.find((r) => r.remediation === 'sqs-require-tls')?.counts).toMatchObject({ 'awaiting-approval': 1 });
    // Nothing written until a person approves.
    expect((await attributesOf(sqsIn(region), url)).Policy).toBeUndefined();

    // The next sweep finds the same plan pending: the same approval, not a second one.
    const second = parse((await cli(args)).stdout);
    expect(second.results.find((r) => r.resourceArn === queueArnIn(region, name))).toMatchObject({ status: 'awaiting-approval', approvalId: id });
    const pending = JSON.parse((await cli(['approvals', '--json', '--approvals', dir])).stdout) as { approvals: { id: string }[] };
    expect(pending.approvals.map((a) => a.id)).toEqual([id]);

    const approved = await withIo(['approve', id!, '--approvals', dir, '--json'], { env: { ...env(), AWS_REGION: region } });
    expect(approved.code, approved.stderr).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({ results: [{ status: 'applied', remediation: 'sqs-require-tls' }] });
    expect((await attributesOf(sqsIn(region), url)).Policy).toContain('aws:SecureTransport');
  });
});
