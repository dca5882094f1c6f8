/**
 * The `fixbridge` command: builds the program from the commands in ./commands (one file each) and
 * dispatches. Commander parses; nothing here calls process.exit, and every usage error becomes
 * one line `fixbridge: error: <message>` on stderr with exit code 2.
 * Exit codes: 0 nothing failed, 1 a result failed, 2 bad input (nothing was changed), 3 an
 * internal error: anything thrown that is not an InputError (one line; the stack with FIXBRIDGE_DEBUG).
 */
import { Command, CommanderError } from 'commander';
import { describeError, InputError } from '@fixbridge/core';
import { approvalsCommand } from './commands/approvals';
import { approveCommand } from './commands/approve';
import { completionCommand } from './commands/completion';
import { handleCommand } from './commands/handle';
import { historyCommand } from './commands/history';
import { listCommand } from './commands/list';
import { rollbackCommand } from './commands/rollback';
import { rejectCommand } from './commands/reject';
import { runCommand } from './commands/run';
import { sweepCommand } from './commands/sweep';
import { EXIT_CODES, type Done } from './commands/shared';
import { slackCommand } from './commands/slack';
import { defaultIo, envOf, type Io } from './io';
import { unknownCommand, usageMessage } from './usage';
import { CLI_VERSION } from './version';

export type { Io } from './io';

const HEADER = `fixbridge ${CLI_VERSION} — safe, automated remediation for AWS SQS, SNS and Amazon MQ\n`;

const FOOTER = `
Each command has its own options: "fixbridge <command> --help" (or "fixbridge help <command>").
AWS access uses the standard SDK settings: AWS_REGION, AWS_ENDPOINT_URL, the credentials chain.
Colour only on a terminal; FORCE_COLOR=1 forces it, NO_COLOR=1 or --no-color turn it off (and win).
${EXIT_CODES}`;

/** Help, version: commander's own exits, with code 0. */
const INFO_CODES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => (code = c));
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 2;
    }
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError && INFO_CODES.has(err.code)) return err.exitCode;
    if (err instanceof InputError) {
      io.stderr(`fixbridge: error: ${oneLine(err.message)}\n`);
      return 2;
    }
    io.stderr(`fixbridge: internal error: ${oneLine(describeError(err))}\n`);
    if (envOf(io).FIXBRIDGE_DEBUG && err instanceof Error) io.stderr(`${err.stack}\n`);
    return 3;
  }
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');

function buildProgram(io: Io, done: Done): Command {
  const program = new Command('fixbridge')
    .usage('<command> [options]')
    .version(CLI_VERSION, '-v, --version', 'show the version')
    .helpCommand(false)
    .addHelpText('beforeAll', HEADER)
    .addHelpText('after', FOOTER)
    .configureHelp({
      // The overview: one line per command, as it is typed.
      subcommandTerm: (cmd) => `fixbridge ${cmd.name()} ${cmd.usage().replace(/ ?\[options\]$/, '')}`.trimEnd(),
    });
  for (const command of [handleCommand, runCommand, sweepCommand, listCommand, historyCommand, rollbackCommand, approvalsCommand, approveCommand, rejectCommand, slackCommand, completionCommand]) program.addCommand(command(io, done));
  program.addCommand(
    new Command('help')
      .summary('show this overview, or the help of one command')
      .usage('[command]')
      .argument('[command]', 'a command name')
      .action((name: string | undefined) => {
        const target = name === undefined ? program : program.commands.find((c) => c.name() === name);
        if (!target) throw new InputError(unknownCommand(program, name!));
        target.outputHelp();
        done(0);
      }),
  );
  for (const cmd of [program, ...program.commands]) {
    cmd
      .helpOption('-h, --help', 'show this help')
      .showSuggestionAfterError(true)
      .configureOutput({
        writeOut: (s) => io.stdout(s),
        writeErr: () => {}, // only commander's error reports and help-on-error use it: we print one line instead
        outputError: () => {},
      })
      .exitOverride((err) => {
        if (INFO_CODES.has(err.code) && err.exitCode === 0) throw err;
        throw new InputError(usageMessage(err, cmd));
      });
  }
  return program;
}
