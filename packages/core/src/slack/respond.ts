/**
 * An interaction's `response_url`: a plain JSON POST (the Web API client does not cover it), so
 * the interaction endpoint needs no Slack SDK. It replaces the clicked message, or tells the clicker
 * something only they see.
 */
import type { Approval } from '../approvals/record';
import { outcomeMessage, type SlackMessage } from './message';

/** What an interaction's `response_url` takes: replace the clicked message, or tell only the clicker. */
export type SlackResponse = SlackMessage & ({ replace_original: true } | { response_type: 'ephemeral'; replace_original: false });

export async function respond(responseUrl: string, message: SlackResponse): Promise<void> {
  const res = await fetch(responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message), signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`Slack's response_url answered ${res.status} ${res.statusText}`);
}

/** A one-line message only the clicker sees. */
export function ephemeral(text: string): SlackResponse {
  return { response_type: 'ephemeral', replace_original: false, text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** The clicked message replaced by how the approval ended. */
export function replacement(a: Approval, now?: Date): SlackResponse {
  return { replace_original: true, ...outcomeMessage(a, now) };
}
