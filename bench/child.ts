/**
 * One measurement in a process of its own (so its peak RSS is its own), run by bench/run.ts:
 *   child.ts sweep <json: {args}>     `fixbridge sweep --json ...` in-process, every SDK call counted
 *   child.ts ceiling <json: {region, calls, concurrency}>   the same number of plain GetQueueAttributes
 * Prints one JSON line on stdout.
 */
import { GetQueueAttributesCommand, paginateListQueues } from '@aws-sdk/client-sqs';
import { ClientPool, createClients, type Clients } from '@fixbridge/core';
import { main } from '../packages/cli/src/main';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

type Stack = { middlewareStack: { add: (...a: unknown[]) => void } };

/** Clients whose every command is counted, by name. */
function countingPool(counts: Map<string, number>): ClientPool {
  return new ClientPool((region) => {
    const c: Clients = createClients({ region });
    for (const client of [c.sqs, c.sns, c.kms, c.mq, c.sts, c.cloudwatch, c.logs] as unknown as Stack[]) {
      client.middlewareStack.add(
        (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
          const name = context.commandName ?? '?';
          counts.set(name, (counts.get(name) ?? 0) + 1);
          return next(args);
        },
        { step: 'initialize', name: 'benchCounter' },
      );
    }
    return c;
  });
}

const rssMb = () => process.resourceUsage().maxRSS / 1024;

async function sweepCase(args: string[]) {
  const counts = new Map<string, number>();
  let bytes = 0;
  let summaryText = '';
  const t0 = performance.now();
  const code = await main(['sweep', '--json', ...args], {
    // Discarded as it comes, but for the summary, which is written in one piece at the end.
    stdout: (s) => {
      bytes += s.length;
      if (s.includes('\n  "summary": ')) summaryText = s;
    },
    stderr: () => {},
    readStdin: async () => '',
    isTTY: false,
    env: process.env,
    clients: countingPool(counts),
  });
  const wallMs = performance.now() - t0;
  const at = summaryText.lastIndexOf('\n  "summary": ');
  const summary = at >= 0 ? JSON.parse(summaryText.slice(at + '\n  "summary": '.length).replace(/\n}\n$/, '')) : undefined;
  return { code, wallMs, calls: [...counts.values()].reduce((a, b) => a + b, 0), byCommand: Object.fromEntries([...counts].sort()), stdoutBytes: bytes, peakRssMb: rssMb(), summary };
}

async function ceilingCase(opts: { region: string; calls: number; concurrency: number }) {
  const { sqs } = createClients({ region: opts.region });
  const urls: string[] = [];
  for await (const page of paginateListQueues({ client: sqs, pageSize: 1000 }, {})) urls.push(...(page.QueueUrls ?? []));
  if (!urls.length) throw new Error(`no queues in ${opts.region}`);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      for (let i = next++; i < opts.calls; i = next++) await sqs.send(new GetQueueAttributesCommand({ QueueUrl: urls[i % urls.length], AttributeNames: ['All'] }));
    }),
  );
  return { wallMs: performance.now() - t0, calls: opts.calls, peakRssMb: rssMb() };
}

const [mode, json] = process.argv.slice(2);
const input = JSON.parse(json ?? '{}');
const out = mode === 'sweep' ? await sweepCase(input.args) : await ceilingCase(input);
process.stdout.write(JSON.stringify(out) + '\n');
