/**
 * After a decision, Slack shows how it ended: the clicked message is replaced (through the
 * interaction's `response_url`, or `chat.update` of the recorded message when the decision came
 * from elsewhere, the CLI), buttons removed. A refused click (already decided, not allowed) gets a
 * message only the clicker sees.
 */
import type { Decided } from '../approvals/decide';
import type { ApprovalNotifier } from '../approvals/gate';
import { ephemeral, replacement, respond as post, type SlackResponse } from './respond';

export interface ReportDeps {
  /** Updates the recorded message (`chat.update`); without it only a `response_url` is used. */
  notifier?: ApprovalNotifier | undefined;
  respond?: (url: string, message: SlackResponse) => Promise<void>;
  now?: Date;
}

export async function reportToSlack(d: Decided, responseUrl: string | undefined, deps: ReportDeps = {}): Promise<void> {
  const respond = deps.respond ?? post;
  if (d.kind === 'refused' && d.code !== 'expired') {
    if (responseUrl) await respond(responseUrl, ephemeral(`${d.reason}.`));
    return;
  }
  if (responseUrl) await respond(responseUrl, replacement(d.approval, deps.now));
  else if (deps.notifier && d.approval.slack) await deps.notifier.update(d.approval);
}
