/** `fixbridge completion`: the bash and zsh scripts, and what bash completes with them. */
import { execFileSync, spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { cli, ROOT, tempFile } from '../support/aws';
import { COMMANDS, expectUsageError } from '../support/cli';
import { offline } from '../support/projects';

offline('fixbridge completion', () => {
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
    expect(complete(script, ['fixbridge', 'run', 'sqs-require-tls', '--'])).toEqual(['--resource', '--mode', '--config', '--approvals', '--json', '--no-color', '--help']);
    expect(complete(script, ['fixbridge', 'approvals', ''])).toEqual(['list', 'show', '--all', '--approvals', '--table', '--json', '--no-color', '-h', '--help']);
    expect(complete(script, ['fixbridge', 'slack', ''])).toEqual(['serve', '--port', '--host', '--config', '--approvals', '--table', '-h', '--help']);
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
