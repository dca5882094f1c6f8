/**
 * The CLI's seam to the outside world. `main(argv, io)` touches the process only through this, so
 * tests run the real CLI in-process with their own streams, stdin, environment and AWS clients.
 */
import type { STSClient } from '@aws-sdk/client-sts';
import type { ClientPool } from '@fixbridge/core';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<string>;
  /** Whether stdout is a terminal (colour is only used on one, see `colorEnabled`). */
  isTTY: boolean;
  /** Builds the engine's AWS access; tests may replace it. */
  clients?: ClientPool;
  /**
   * The environment variables the CLI reads (NO_COLOR, FORCE_COLOR, FIXBRIDGE_DEBUG,
   * FIXBRIDGE_HISTORY_TABLE, AWS_REGION); default: process.env, read when needed.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** The terminal to draw a progress display on (stderr, when it is one); absent: plain progress lines on `stderr`. */
  progressTerminal?: NodeJS.WriteStream | undefined;
  /** Call `handler` on Ctrl-C (SIGINT) until the returned function is called; absent: Ctrl-C is not caught. */
  onInterrupt?: (handler: () => void) => () => void;
  /** The STS client that assumes member roles in other accounts; tests may replace it. */
  sts?: STSClient;
  /** Stops a long-running command (`slack serve`) besides SIGINT and SIGTERM; tests use it. */
  signal?: AbortSignal;
}

export const defaultIo: Io = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  isTTY: Boolean(process.stdout.isTTY),
  progressTerminal: process.stderr.isTTY ? process.stderr : undefined,
  onInterrupt: (handler) => {
    process.on('SIGINT', handler);
    return () => void process.off('SIGINT', handler);
  },
};

export function envOf(io: Io): Readonly<Record<string, string | undefined>> {
  return io.env ?? process.env;
}
