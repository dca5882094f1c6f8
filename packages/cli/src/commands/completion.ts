/**
 * `fixbridge completion bash|zsh`: a shell completion script generated from the program's own
 * command and option definitions, so it cannot drift from them. It completes command names, each
 * command's options, the values of options with choices (--mode), file names after options whose
 * value is a file (--event, --config), and arguments with choices (the shell here, the command of
 * `help`). It does not complete ARNs, remediation ids or change ids.
 */
import { Argument, Command, type Option } from 'commander';
import type { Io } from '../io';
import { CLI_VERSION } from '../version';
import { EXIT_CODES_READ, type Done } from './shared';

const SHELLS = ['bash', 'zsh'] as const;

const DETAILS = `
The script completes command names, each command's options, the --mode values, and file names
after --event and --config (not ARNs, remediation ids or change ids), for the command "fixbridge"
on your PATH (for example node_modules/.bin of this repository). Load it at shell start-up:
  bash: in ~/.bashrc              source <(fixbridge completion bash)
        or save it once as        ~/.local/share/bash-completion/completions/fixbridge
  zsh:  in ~/.zshrc after compinit  source <(fixbridge completion zsh)
${EXIT_CODES_READ}`;

export function completionCommand(io: Io, done: Done): Command {
  return new Command('completion')
    .summary('print a shell completion script (bash or zsh)')
    .description('Print a completion script for bash or zsh, generated from the commands and options of this fixbridge.')
    .usage('<shell>')
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(SHELLS))
    .addHelpText('after', DETAILS)
    .action((shell: (typeof SHELLS)[number], _opts: unknown, self: Command) => {
      const program = self.parent!;
      io.stdout(shell === 'zsh' ? zshScript(program) : bashScript(program));
      done(0);
    });
}

/** A word list for the shell: the words are flags, command names and choices, never user input. */
function wordList(list: readonly string[]): string {
  for (const w of list) if (!/^[\w.:-]+$/.test(w)) throw new Error(`completion: cannot put "${w}" in a word list`);
  return list.join(' ');
}
const words = (list: readonly string[]) => `'${wordList(list)}'`;

const flagsOf = (o: Option) => [o.short, o.long].filter((f): f is string => Boolean(f));

/** The case arms of the completion function, one per command: its options, and what follows them. */
function commandArms(program: Command): string[] {
  const help = program.createHelp();
  return help.visibleCommands(program).flatMap((cmd) => {
    const options = help.visibleOptions(cmd);
    const first = cmd.registeredArguments[0];
    const positional = first?.argChoices ?? (first?.name() === 'command' ? help.visibleCommands(program).map((c) => c.name()) : []);
    const offer = [`words=${words(options.flatMap(flagsOf))}`, ...(positional.length ? [`[[ $COMP_CWORD -eq 2 ]] && words="${wordList(positional)} $words"`] : [])].join('; ');
    const valued = options.filter((o) => o.required || o.optional);
    if (!valued.length) return [`    ${cmd.name()}) ${offer} ;;`];
    const afterOption = valued.map((o) => {
      const then = o.argChoices ? `words=${words(o.argChoices)}` : /<file/.test(o.flags) ? '_fixbridge_files; return' : 'return'; // a free value: nothing to offer
      return `        ${flagsOf(o).join('|')}) ${then} ;;`;
    });
    return [`    ${cmd.name()})`, '      case "$prev" in', ...afterOption, `        *) ${offer} ;;`, '      esac ;;'];
  });
}

function bashFunction(program: Command): string {
  const help = program.createHelp();
  const top = [...help.visibleCommands(program).map((c) => c.name()), ...help.visibleOptions(program).flatMap(flagsOf)];
  return [
    '_fixbridge_files() {',
    "  local IFS=$'\\n'",
    '  type compopt &>/dev/null && compopt -o filenames 2>/dev/null',
    '  COMPREPLY=($(compgen -f -- "$cur"))',
    '}',
    '',
    '_fixbridge() {',
    '  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} words=',
    '  COMPREPLY=()',
    '  if [[ $COMP_CWORD -eq 1 ]]; then',
    `    words=${words(top)}`,
    '  else',
    '    case "${COMP_WORDS[1]}" in',
    ...commandArms(program),
    '    esac',
    '  fi',
    '  COMPREPLY=($(compgen -W "$words" -- "$cur"))',
    '}',
    '',
    'complete -F _fixbridge fixbridge',
    '',
  ].join('\n');
}

function bashScript(program: Command): string {
  return `# bash completion for fixbridge ${CLI_VERSION}, printed by "fixbridge completion bash" from its
# command definitions. Load it with:  source <(fixbridge completion bash)
${bashFunction(program)}`;
}

function zshScript(program: Command): string {
  return `# zsh completion for fixbridge ${CLI_VERSION}, printed by "fixbridge completion zsh": the bash
# completion, run by zsh's bashcompinit. Load it after compinit:  source <(fixbridge completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashFunction(program)}`;
}
