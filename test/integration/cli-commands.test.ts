/**
 * The command line itself: one help per command, options a command does not take, unknown
 * commands, missing arguments, and the version. None of these touch AWS.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { main, type Io } from '../../packages/cli/src/main';
import { cli, ROOT, spawnCli, tempFile } from '../support/aws';
import { onEmulator } from '../support/projects';

const COMMANDS = ['handle', 'run', 'list', 'history', 'rollback'] as const;
const CLI_VERSION = (JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;

/** Run the CLI in-process with parts of the Io replaced (an empty environment unless given). */
async function withIo(args: string[], io: Partial<Io>) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), readStdin: async () => '', isTTY: false, env: {}, ...io });
  return { code, stdout, stderr };
}

/** One line on stderr, `fixbridge: error: …`, nothing on stdout, exit 2. */
function expectUsageError(run: { code: number; stdout: string; stderr: string }, message: RegExp) {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^fixbridge: error: /);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(message);
}

onEmulator('fixbridge --help', () => {
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

onEmulator('each command has its own help', () => {
  // The options each command takes, and some it does not.
  const cases: [string, string, string[], string[]][] = [
    ['handle', 'fixbridge handle --event <file|-> [options]', ['--event <file|->', '--mode <mode>', '--config <file>', '--json', '--no-color'], ['--resource', '--table']],
    ['run', 'fixbridge run <remediation-id|control-id> --resource <arn> [options]', ['--resource <arn>', '--mode <mode>', '--config <file>', '--json', '--no-color'], ['--event', '--table']],
    ['list', 'fixbridge list [options]', ['--json', '--no-color'], ['--mode', '--config', '--resource', '--table', '--event']],
    ['history', 'fixbridge history <resource-arn> [options]', ['--table <name>', '--json', '--no-color'], ['--mode', '--config', '--resource', '--event']],
    ['rollback', 'fixbridge rollback <change-id> [options]', ['--mode <mode>', '--table <name>', '--json', '--no-color'], ['--config', '--resource', '--event']],    ['completion', 'fixbridge completion <shell>', [], ['--json', '--table', '--no-color']],
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

onEmulator('usage errors: exit 2, one line naming the problem', () => {
  it.each<[string[], RegExp]>([
    [['list', '--resource', 'x'], /Unknown option '--resource' for "fixbridge list"/],
    [['list', '--mode', 'auto'], /Unknown option '--mode' for "fixbridge list"/],
    [['history', 'arn:aws:sqs:us-east-1:123456789012:q', '--config', 'c.json'], /Unknown option '--config' for "fixbridge history"/],
    [['handle', '--event', 'e.json', '--table', 't'], /Unknown option '--table' for "fixbridge handle"/],
    [['rollback', 'ch-1', '--resource', 'x'], /Unknown option '--resource' for "fixbridge rollback"/],
    [['list', '--jsn'], /Unknown option '--jsn' .*did you mean --json\?/],
    [['--json', 'list'], /Unknown option '--json' \(options go after the command/],
    [['fix'], /unknown command "fix" \(commands: handle, run, list, history, rollback/],
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

onEmulator('fixbridge --version', () => {
  it('prints the version of packages/cli/package.json', async () => {
    for (const flag of ['--version', '-v']) {
      const run = await cli([flag]);
      expect(run).toEqual({ code: 0, stdout: `${CLI_VERSION}\n`, stderr: '' });
    }
  });
});

onEmulator('internal errors: exit 3, one line, the stack only with FIXBRIDGE_DEBUG', () => {
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

onEmulator('colour', () => {
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
  });

  it('JSON is never coloured', async () => {
    const run = await withIo(['list', '--json'], { isTTY: true, env: { FORCE_COLOR: '1' } });
    expect(coloured(run.stdout)).toBe(false);
    expect(JSON.parse(run.stdout)).toHaveProperty('remediations');
  });
});

onEmulator('fixbridge completion', () => {
  const has = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

  /** What bash's completion offers for the words typed so far (the last one is being completed). */
  function complete(script: string, typed: string[]): string[] {
    const words = typed.map((w) => `'${w}'`).join(' ');
    const out = execFileSync('bash', ['-c', `source '${script}'; COMP_WORDS=(${words}); COMP_CWORD=${typed.length - 1}; _fixbridge; printf '%s\\n' "\${COMPREPLY[@]}"`], { cwd: ROOT, encoding: 'utf8' });
    return out.split('\n').filter(Boolean);
  }

  it('prints a bash script that names every command, exit 0', async () => {
    const run = await cli(['completion', 'bash']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^# bash completion for fixbridge /);
    for (const name of [...COMMANDS, 'completion', 'help']) expect(run.stdout).toMatch(new RegExp(`\\b${name}\\b`));
    expect(run.stdout).toContain('complete -F _fixbridge fixbridge');
  });

  it.skipIf(!has('bash'))('completes commands, each command’s own options, --mode values and files in bash', async () => {
    const script = tempFile('fixbridge.bash', (await cli(['completion', 'bash'])).stdout);
    expect(complete(script, ['fixbridge', ''])).toEqual([...COMMANDS, 'completion', 'help', '-v', '--version', '-h', '--help']);
    expect(complete(script, ['fixbridge', 'ro'])).toEqual(['rollback']);
    expect(complete(script, ['fixbridge', 'list', '--'])).toEqual(['--json', '--no-color', '--help']);
    expect(complete(script, ['fixbridge', 'run', 'sqs-require-tls', '--'])).toEqual(['--resource', '--mode', '--config', '--json', '--no-color', '--help']);
    expect(complete(script, ['fixbridge', 'rollback', 'ch-1', '--mode', ''])).toEqual(['dry-run', 'approval', 'auto']);
    expect(complete(script, ['fixbridge', 'run', 'x', '--resource', ''])).toEqual([]);
    expect(complete(script, ['fixbridge', 'handle', '--event', 'package.j'])).toEqual(['package.json']);
    expect(complete(script, ['fixbridge', 'completion', ''])).toEqual(['bash', 'zsh', '-h', '--help']);
  });

  it.skipIf(!has('bash'))('offers after each command exactly the long options its --help lists', async () => {
    const script = tempFile('fixbridge.bash', (await cli(['completion', 'bash'])).stdout);
    for (const name of COMMANDS) {
      const listed = [...(await cli([name, '--help'])).stdout.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]);
      expect(complete(script, ['fixbridge', name, '--'])).toEqual(listed);
    }
  });

  it('prints a zsh script that loads the bash completion through bashcompinit', async () => {
    const run = await cli(['completion', 'zsh']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('autoload -U +X bashcompinit && bashcompinit');
    expect(run.stdout).toContain('complete -F _fixbridge fixbridge');
    if (has('zsh')) expect(spawnSync('zsh', ['-n', tempFile('fixbridge.zsh', run.stdout)]).status).toBe(0);
  });

  it('rejects another shell with exit 2 and one line', async () => {
    expectUsageError(await cli(['completion', 'fish']), /'fish' is invalid for argument 'shell'. Allowed choices are bash, zsh/);
    expectUsageError(await cli(['completion']), /completion needs <shell>/);
  });
});
