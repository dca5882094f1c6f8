/** `fixbridge slack serve --port <n>`: Slack's interaction endpoint on this machine. */
import { Argument, Command, Option } from 'commander';
import { InputError } from '@fixbridge/core';
import { cliDecideDeps } from '../decisions';
import { envOf, type Io } from '../io';
import { serveSlack } from '../slack-server';
import { approvalsOption, approvalStore, configOption, hubTableOption, loadConfig, slackNotifierOf, slackFor, type ApprovalsOptions, type Done } from './shared';

interface SlackOptions extends ApprovalsOptions {
  port?: string;
  host?: string;
  config?: string;
}

const DETAILS = `
Serves POST /slack/interactions (the Slack app's Interactivity request URL; put it behind HTTPS)
and GET /healthz. Every request must carry Slack's signature, made with SLACK_SIGNING_SECRET: the
command refuses to start without it, and answers any request it cannot verify with 401. A click on
Approve or Reject by one of the approval's approvers is answered at once and decided in the
background like "fixbridge approve"; the outcome replaces the Slack message. SLACK_BOT_TOKEN (and
--config with "slack") lets it post fresh approvals and update messages. Stops on Ctrl-C (SIGINT)
or SIGTERM, after the decisions in flight.
Exit codes: 0 stopped, 2 bad input (no SLACK_SIGNING_SECRET, a bad --port, the port is taken), 3 internal error.`;

function parsePort(value: string | undefined): number {
  if (value === undefined) throw new InputError('slack serve needs --port <n> (0 picks a free port)');
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65_535) throw new InputError(`--port must be a port number from 0 to 65535, not "${value}"`);
  return n;
}

/** Resolves when the process is told to stop (or the Io's signal aborts, in tests). */
function stopped(io: Io): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (io.signal?.aborted) stop();
    io.signal?.addEventListener('abort', stop, { once: true });
  });
}

export function slackCommand(io: Io, done: Done): Command {
  return new Command('slack')
    .summary("run Slack's interaction endpoint for approvals (serve)")
    .description("Run the endpoint Slack calls when someone clicks Approve or Reject on a fixbridge message.")
    .usage('serve --port <n> [options]')
    .addArgument(new Argument('<action>', 'serve').choices(['serve']))
    .addOption(new Option('--port <n>', 'the port to listen on (required; 0 picks a free one)'))
    .addOption(new Option('--host <address>', 'the address to listen on (default 127.0.0.1)'))
    .addOption(configOption())
    .addOption(approvalsOption())
    .addOption(hubTableOption())
    .addHelpText('after', DETAILS)
    .action(async (_action: 'serve', opts: SlackOptions) => {
      const port = parsePort(opts.port);
      const signingSecret = envOf(io).SLACK_SIGNING_SECRET;
      if (!signingSecret) throw new InputError('slack serve needs SLACK_SIGNING_SECRET in the environment (the Slack app\'s signing secret): without it no request can be verified');
      const config = await loadConfig(opts.config);
      const store = await approvalStore(io, opts);
      const host = opts.host ?? '127.0.0.1';
      let server;
      try {
        server = await serveSlack({
          port,
          host,
          signingSecret,
          store,
          decideDeps: await cliDecideDeps(io, store, config, opts),
          notifier: slackFor(io, config).notifier ?? slackNotifierOf(io),
          log: (line) => io.stdout(`fixbridge: ${line}\n`),
        });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new InputError(`slack serve cannot listen on ${host}:${port} (${code})`, { cause: err });
        throw err;
      }
      io.stdout(`fixbridge: Slack interactions at ${server.url}/slack/interactions (health: ${server.url}/healthz; approvals in ${store.where}); Ctrl-C stops\n`);
      await stopped(io);
      await server.close();
      io.stdout('fixbridge: stopped\n');
      done(0);
    });
}
