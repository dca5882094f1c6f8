/**
 * The command line itself (main.ts, usage.ts): the overview and each command's help, the version,
 * usage errors and bad input (exit 2, one line), internal errors (exit 3), and colour.
 */
import { expect, it } from 'vitest';
import { cli, createQueue, queueAttributes, spawnCli, tempFile, uniqueName } from '../support/aws';
import { CLI_VERSION, COMMANDS, expectUsageError, withIo } from '../support/cli';
import { sqsCloudTrailEvent } from '../support/fixtures';
import { offline, onEmulator } from '../support/projects';

offline('fixbridge --help', () => {
  it('prints the overview with one line per command, on stdout, exit 0', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(new RegExp(`^fixbridge ${CLI_VERSION.replace(/\./g, '\\.')} — `));
    for (const name of COMMANDS) expect(run.stdout.split('\n').filter((l) => l.startsWith(`  fixbridge ${name} `))).toHaveLength(1);
    expect(run.stdout).toContain('fixbridge handle --event <file|->');
    expect(run.stdout).toContain('fixbridge history <resource-arn>');
    expect(run.stdout).toContain('fixbridge rollback <change-id>');
    expect(run.stdout).toContain('fixbridge completion <shell>');
    expect((await cli(['help'])).stdout).toBe(run.stdout);
    expect((await cli(['-h'])).stdout).toBe(run.stdout);
  });

  it('shows the overview on stdout but exits 2 when no command is given', async () => {
    const run = await cli([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('fixbridge run <remediation-id|control-id> --resource <arn>');
  });
});

offline('each command has its own help', () => {
  // The options each command takes, and some it does not.
  const cases: [string, string, string[], string[]][] = [
    ['handle', 'fixbridge handle --event <file|-> [options]', ['--event <file|->', '--mode <mode>', '--config <file>', '--json', '--no-color'], ['--resource', '--table']],
    ['run', 'fixbridge run <remediation-id|control-id> --resource <arn> [options]', ['--resource <arn>', '--mode <mode>', '--config <file>', '--json', '--no-color'], ['--event', '--table']],
    ['list', 'fixbridge list [options]', ['--json', '--no-color'], ['--mode', '--config', '--resource', '--table', '--event']],
    ['history', 'fixbridge history <resource-arn> [options]', ['--table <name>', '--json', '--no-color'], ['--mode', '--config', '--resource', '--event']],
    ['rollback', 'fixbridge rollback <change-id> [options]', ['--mode <mode>', '--table <name>', '--json', '--no-color'], ['--config', '--resource', '--event']],
    ['completion', 'fixbridge completion <shell>', [], ['--json', '--table', '--no-color']],
  ];
  it.each(cases)('%s --help', async (name, usage, takes, doesNot) => {
    const run = await cli([name, '--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`Usage: ${usage}\n`);
    for (const option of [...takes, '-h, --help']) expect(run.stdout).toContain(`  ${option} `);
    for (const option of doesNot) expect(run.stdout).not.toContain(`${option} `);
    expect(run.stdout).toMatch(/Exit codes: 0 /);
    expect((await cli(['help', name])).stdout).toBe(run.stdout);
    expect((await cli([name, '-h'])).stdout).toBe(run.stdout);
  });

  it('answers --help before checking anything else', async () => {
    const run = await cli(['run', '--help', '--mode', 'fix']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: fixbridge run ');
  });
});

offline('usage errors: exit 2, one line naming the problem', () => {
  it.each<[string[], RegExp]>([
    [['list', '--resource', 'x'], /Unknown option '--resource' for "fixbridge list"/],
    [['list', '--mode', 'auto'], /Unknown option '--mode' for "fixbridge list"/],
    [['history', 'arn:aws:sqs:us-east-1:123456789012:q', '--config', 'c.json'], /Unknown option '--config' for "fixbridge history"/],
    [['handle', '--event', 'e.json', '--table', 't'], /Unknown option '--table' for "fixbridge handle"/],
    [['rollback', 'ch-1', '--resource', 'x'], /Unknown option '--resource' for "fixbridge rollback"/],
    [['list', '--jsn'], /Unknown option '--jsn' .*did you mean --json\?/],
    [['--json', 'list'], /Unknown option '--json' \(options go after the command/],
    [['fix'], /unknown command "fix" \(commands: handle, run, sweep, list, history, rollback/],
    [['help', 'fix'], /unknown command "fix"/],
    [['handle'], /handle needs --event <file>/],
    [['handle', '--event'], /--event <file\|-> needs a value/],
    [['run'], /run needs <remediation-id\|control-id>/],
    [['run', 'a', 'b', '--resource', 'x'], /run takes one argument, <remediation-id\|control-id>, got "a b"/],
    [['help', 'run', 'list'], /help takes one argument, \[command\], got "run list"/],
    [['history'], /history needs <resource-arn>/],
    [['rollback'], /rollback needs <change-id>/],
    [['list', 'extra'], /list takes no arguments, got "extra"/],
  ])('fixbridge %j', async (args, message) => {
    expectUsageError(await cli(args), message);
  });
});

offline('fixbridge --version', () => {
  it('prints the version of packages/cli/package.json', async () => {
    for (const flag of ['--version', '-v']) {
      const run = await cli([flag]);
      expect(run).toEqual({ code: 0, stdout: `${CLI_VERSION}\n`, stderr: '' });
    }
  });
});

offline('bad input: exit 2, one line, no stack trace, nothing changed', () => {
  it.each<[string, () => Promise<string[]>, RegExp]>([
    ['malformed JSON', async () => ['handle', '--event', tempFile('e.json', '{"version": "0",')], /is not valid JSON/],
    ['an event of no known shape', async () => ['handle', '--event', tempFile('e.json', { version: '0', id: '1', 'detail-type': 'Object Created', source: 'aws.s3', account: '123456789012', time: 't', region: 'us-east-1', resources: [], detail: {} })], /unknown shape/],
    ['a missing event file', async () => ['handle', '--event', '/nonexistent/event.json'], /cannot be read \(ENOENT\)/],
    ['an unknown remediation', async () => ['run', 'sqs-encrypt', '--resource', 'arn:aws:sqs:us-east-1:123456789012:q'], /unknown remediation or control "sqs-encrypt"/],
    ['a malformed ARN', async () => ['run', 'sqs-require-tls', '--resource', 'arn:aws:sqs:us-east-1:12345:q'], /malformed ARN/],
    ['a bad --mode', async () => ['run', 'sqs-require-tls', '--resource', 'arn:aws:sqs:us-east-1:123456789012:q', '--mode', 'fix'], /--mode must be one of dry-run, approval, auto/],
    ['an unknown flag', async () => ['run', 'sqs-require-tls', '--resource', 'arn:aws:sqs:us-east-1:123456789012:q', '--force'], /Unknown option '--force'/],
    ['a config that fails validation', async () => ['run', 'sqs-require-tls', '--resource', 'arn:aws:sqs:us-east-1:123456789012:q', '--config', tempFile('c.json', { remediations: { 'sqs-require-tls': { strict: true } } })], /remediations.sqs-require-tls/],
    ['an unknown command', async () => ['fix'], /unknown command "fix"/],
    ['run without --resource', async () => ['run', 'sqs-require-tls'], /run needs --resource/],
  ])('%s', async (_n, args, message) => {
    const run = await cli(await args());
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^fixbridge: error: /);
  });
});

onEmulator('bad input: exit 2, one line, no stack trace, nothing changed', () => {
  it('changes nothing when the config is invalid, even with --mode auto', async () => {
    const q = await createQueue(uniqueName('bad-config'));
    const config = tempFile('c.json', '{"mode": "auto", "remediations": {"sqs-require-tls": {"kmsKeyId": 1}}}');
    const run = await spawnCli(['handle', '--event', tempFile('e.json', sqsCloudTrailEvent(q.name)), '--config', config, '--mode', 'auto']);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect((await queueAttributes(q.url)).Policy).toBeUndefined();
  });
});

offline('internal errors: exit 3, one line, the stack only with FIXBRIDGE_DEBUG', () => {
  const eio = () => Object.assign(new Error('read EIO'), { code: 'EIO' });

  it('a failure reading the event from stdin', async () => {
    const run = await withIo(['handle', '--event', '-'], { readStdin: () => Promise.reject(eio()) });
    expect(run).toEqual({ code: 3, stdout: '', stderr: 'fixbridge: internal error: read EIO\n' });
  });

  it('a stdout that cannot be written (a closed pipe)', async () => {
    const stdout = () => {
      throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    };
    expect(await withIo(['list'], { stdout })).toMatchObject({ code: 3, stderr: 'fixbridge: internal error: write EPIPE\n' });
  });

  it('prints the stack when FIXBRIDGE_DEBUG is set', async () => {
    const run = await withIo(['handle', '--event', '-'], { readStdin: () => Promise.reject(eio()), env: { FIXBRIDGE_DEBUG: '1' } });
    expect(run.code).toBe(3);
    const [first, ...stack] = run.stderr.trim().split('\n');
    expect(first).toBe('fixbridge: internal error: read EIO');
    expect(stack[0]).toBe('Error: read EIO');
    expect(stack.slice(1).every((line) => /^\s+at /.test(line))).toBe(true);
  });

  it('bad input is still exit 2, not 3', async () => {
    const run = await withIo(['handle', '--event', '-'], { readStdin: async () => '{"version":' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^fixbridge: error: event on stdin/);
  });
});

offline('colour', () => {
  const coloured = (stdout: string) => stdout.includes('\u001b[');
  it.each<[string, boolean, Record<string, string>, string[], boolean]>([
    ['plain on a pipe', false, {}, [], false],
    ['coloured on a terminal', true, {}, [], true],
    ['plain on a terminal with --no-color', true, {}, ['--no-color'], false],
    ['plain on a terminal with NO_COLOR', true, { NO_COLOR: '1' }, [], false],
    ['coloured on a terminal with an empty NO_COLOR', true, { NO_COLOR: '' }, [], true],
    ['coloured on a pipe with FORCE_COLOR', false, { FORCE_COLOR: '1' }, [], true],
    ['plain on a pipe with FORCE_COLOR=0', false, { FORCE_COLOR: '0' }, [], false],
    ['plain with FORCE_COLOR and NO_COLOR', false, { FORCE_COLOR: '1', NO_COLOR: '1' }, [], false],
    ['plain with FORCE_COLOR and --no-color', false, { FORCE_COLOR: '1' }, ['--no-color'], false],
  ])('%s', async (_name, isTTY, env, flags, expected) => {
    const run = await withIo(['list', ...flags], { isTTY, env });
    expect(run.code).toBe(0);
    expect(coloured(run.stdout)).toBe(expected);
    expect(run.stdout.replace(/\u001b\[\d+m/g, '')).toBe((await cli(['list'])).stdout);
  });

  it('FORCE_COLOR colours the real binary writing to a pipe, and NO_COLOR beats it', async () => {
    const forced = await spawnCli(['list'], '', { FORCE_COLOR: '1', NO_COLOR: '' });
    expect(forced.stdout).toMatch(/^\u001b\[1mREMEDIATION/);
    const both = await spawnCli(['list'], '', { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(both.stdout).toMatch(/^REMEDIATION/);
  }, 60_000); // two starts of the real binary: seconds on a busy 2-core machine, near the unit project's 5 s default

  it('JSON is never coloured', async () => {
    const run = await withIo(['list', '--json'], { isTTY: true, env: { FORCE_COLOR: '1' } });
    expect(coloured(run.stdout)).toBe(false);
    expect(JSON.parse(run.stdout)).toHaveProperty('remediations');
  });
});
