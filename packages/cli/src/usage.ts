/**
 * Commander's usage errors as our one-line messages (the tests and users' scripts match some of
 * these texts: "Unknown option '--force'", "unknown command \"fix\"", "list takes no arguments").
 */
import type { Command, CommanderError } from 'commander';

export function unknownCommand(program: Command, name: string): string {
  const names = program.commands.map((c) => c.name()).filter((n) => n !== 'help');
  return `unknown command "${name}" (commands: ${names.join(', ')}; see "fixbridge --help")`;
}

/** Commander's error `err`, raised while parsing `cmd`, as our one line. */
export function usageMessage(err: CommanderError, cmd: Command): string {
  const root = cmd.parent ?? cmd;
  const where = cmd.parent ? `fixbridge ${cmd.name()}` : 'fixbridge';
  const seeHelp = `see "${where} --help"`;
  const text = err.message.replace(/^error: /, '');
  const quoted = /'([^']*)'/.exec(text)?.[1] ?? '';
  const suggestion = /\(Did you mean (.+)\?\)/.exec(text)?.[1];
  const usage = `fixbridge ${cmd.name()} ${cmd.usage().replace(/ ?\[options\]$/, '')}`;
  const declared = cmd.registeredArguments;
  const required = declared.filter((a) => a.required);
  const terms = (args: typeof declared) => args.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)).join(' ');
  switch (err.code) {
    case 'commander.unknownCommand':
      return unknownCommand(root, quoted);
    case 'commander.unknownOption': {
      if (cmd.parent) return `Unknown option '${quoted}' for "${where}" (${suggestion ? `did you mean ${suggestion}? ` : ''}${seeHelp})`;
      const elsewhere = root.commands.some((c) => c.options.some((o) => o.long === quoted || o.short === quoted));
      return `Unknown option '${quoted}' (${elsewhere ? 'options go after the command; ' : ''}${seeHelp})`;
    }
    case 'commander.excessArguments':
      return declared.length === 0
        ? `${cmd.name()} takes no arguments, got "${cmd.args.join(' ')}"`
        : `${cmd.name()} takes ${declared.length === 1 ? 'one argument' : `${declared.length} arguments`}, ${terms(declared)}, got "${cmd.args.join(' ')}" (usage: ${usage})`;
    case 'commander.missingArgument':
      return `${cmd.name()} needs ${terms(required)} (usage: ${usage})`;
    case 'commander.optionMissingArgument':
      return `${quoted} needs a value (${seeHelp})`;
    case 'commander.help':
      return `a command is needed (${seeHelp})`;
    default:
      return `${text} (${seeHelp})`;
  }
}
