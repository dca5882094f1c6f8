/**
 * Slack's interaction endpoint as a function of one request to one response, shared by the hub's
 * Lambda handler and `fixbridge slack serve`. Slack POSTs `application/x-www-form-urlencoded` with
 * a `payload` (JSON, type `block_actions`) when someone clicks Approve or Reject.
 *
 * - Every request must carry a valid signature (`signature.ts`); without a signing secret every
 *   request is refused. Refusals are `401` with an empty body, and nothing else happens.
 * - A click by someone who is not among the approval's approvers gets a message only they see;
 *   nothing changes.
 * - Otherwise the decision is handed over (`submit`: the hub puts it on the work queue, the local
 *   server decides in the background) and the answer is an empty `200` at once: Slack wants one
 *   within 3 seconds. The outcome replaces the message later, through `response_url`.
 */
import { z } from 'zod';
import { describeError } from '../errors';
import { APPROVAL_ID_RE, type Approval, type Decider } from '../approvals/record';
import type { Verdict } from '../approvals/decide';
import { APPROVE_ACTION, REJECT_ACTION } from './message';
import { ephemeral, type SlackResponse } from './respond';
import { verifySlackSignature } from './signature';

export const INTERACTIONS_PATH = '/slack/interactions';

export interface InteractionRequest {
  method: string;
  /** Header names in any case. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body exactly as received. */
  body: Buffer | string;
}

export interface InteractionResponse {
  status: number;
  body: string;
}

/** A decision taken in Slack, to be carried out after the answer. */
export interface DecisionRequest {
  approvalId: string;
  verdict: Verdict;
  by: Decider;
  responseUrl?: string | undefined;
}

export interface InteractionDeps {
  signingSecret: string | undefined;
  /** Milliseconds since the epoch (the signature's clock). */
  now?: () => number;
  find(id: string): Promise<Approval | undefined>;
  /** Hand the decision over; must not wait for the engine. */
  submit(request: DecisionRequest, approval: Approval): Promise<void>;
  /** Post to an interaction's `response_url`. */
  respond(responseUrl: string, message: SlackResponse): Promise<void>;
  /** Told when a note to the clicker could not be posted (the answer to Slack is the same). */
  warn?: (message: string) => void;
}

/**
 * How long the endpoint waits for a note to the clicker (unknown approval, not an approver) to be
 * posted before it answers: Slack wants its answer within 3 seconds, whatever `response_url` does.
 */
export const TELL_BUDGET_MS = 1_500;

const BlockActionsSchema = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({ id: z.string().min(1), username: z.string().optional(), name: z.string().optional() }),
  actions: z.array(z.looseObject({ action_id: z.string(), value: z.string().optional() })),
  response_url: z.url().optional(),
});

const empty = (status: number): InteractionResponse => ({ status, body: '' });

function header(req: InteractionRequest, name: string): string | undefined {
  const entry = Object.entries(req.headers).find(([k]) => k.toLowerCase() === name);
  const v = entry?.[1];
  return Array.isArray(v) ? v[0] : v;
}

export async function handleInteraction(req: InteractionRequest, deps: InteractionDeps): Promise<InteractionResponse> {
  if (req.method !== 'POST') return empty(405);
  const signed = verifySlackSignature(
    deps.signingSecret,
    { timestamp: header(req, 'x-slack-request-timestamp'), signature: header(req, 'x-slack-signature'), body: req.body },
    (deps.now ?? Date.now)(),
  );
  if (!signed) return empty(401);

  let raw: unknown;
  try {
    raw = JSON.parse(new URLSearchParams(req.body.toString()).get('payload') ?? '');
  } catch {
    return empty(400);
  }
  const parsed = BlockActionsSchema.safeParse(raw);
  // Other interactions (a shortcut, a modal) are not fixbridge's: acknowledged, ignored.
  if (!parsed.success) return empty((raw as { type?: unknown })?.type === 'block_actions' ? 400 : 200);
  const payload = parsed.data;
  const action = payload.actions.find((a) => a.action_id === APPROVE_ACTION || a.action_id === REJECT_ACTION);
  if (!action) return empty(200);
  // Best effort, and bounded: a note that fails or is slow never changes the answer to Slack.
  const tell = async (text: string) => {
    if (!payload.response_url) return;
    const sent = deps.respond(payload.response_url, ephemeral(text)).catch((err: unknown) => deps.warn?.(`could not tell the clicker through response_url: ${describeError(err)}`));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([sent, new Promise<void>((resolve) => (timer = setTimeout(resolve, TELL_BUDGET_MS)))]);
    clearTimeout(timer);
  };

  const id = action.value ?? '';
  const approval = APPROVAL_ID_RE.test(id) ? await deps.find(id) : undefined;
  if (!approval) {
    await tell(`fixbridge has no approval ${id || '(no id)'}; nothing changed.`);
    return empty(200);
  }
  const user = payload.user;
  if (!approval.approvers.includes(user.id)) {
    await tell(`<@${user.id}>, you may not decide ${approval.id}: only its approvers may (\`slack.approvers\` in the fixbridge config). Nothing changed.`);
    return empty(200);
  }
  const verdict: Verdict = action.action_id === APPROVE_ACTION ? { verdict: 'approve' } : { verdict: 'reject', reason: 'rejected with the button in Slack' };
  const name = user.username ?? user.name;
  await deps.submit({ approvalId: approval.id, verdict, by: { channel: 'slack', id: user.id, ...(name ? { name } : {}) }, responseUrl: payload.response_url }, approval);
  return empty(200);
}
