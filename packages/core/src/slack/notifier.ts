/**
 * Posting approvals to Slack: the Web API through the official SDK (`@slack/web-api`'s WebClient:
 * `chat.postMessage`, `chat.update`). Settings are the conventional environment variables:
 * `SLACK_BOT_TOKEN` (never in a config file or a log), `SLACK_API_URL` to point the client
 * elsewhere (tests use a local server standing in for Slack).
 */
import { LogLevel, WebClient } from '@slack/web-api';
import type { ApprovalNotifier } from '../approvals/gate';
import type { Approval } from '../approvals/record';
import { approvalMessage, outcomeMessage } from './message';

export interface SlackOptions {
  token: string;
  /** Where approvals are posted (`slack.channel` of the engine config). */
  channel: string;
  /** The Web API's base URL (default Slack's; `SLACK_API_URL`). */
  apiUrl?: string | undefined;
  now?: () => Date;
}

export function webClient(token: string, apiUrl?: string): WebClient {
  return new WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` } : {}),
    // A person is waiting: a few quick retries, not the SDK's default of ten over half an hour.
    retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2_000 },
    timeout: 10_000,
    logLevel: LogLevel.ERROR,
  });
}

export function slackNotifier(opts: SlackOptions): ApprovalNotifier {
  const client = webClient(opts.token, opts.apiUrl);
  return {
    async post(a) {
      const out = await client.chat.postMessage({ channel: opts.channel, ...approvalMessage(a), unfurl_links: false });
      if (!out.channel || !out.ts) throw new Error('Slack accepted the message but did not say where it is (no channel or ts)');
      return { channel: out.channel, ts: out.ts };
    },
    async update(a: Approval) {
      if (!a.slack) return;
      await client.chat.update({ channel: a.slack.channel, ts: a.slack.ts, ...outcomeMessage(a, opts.now?.()) });
    },
  };
}
