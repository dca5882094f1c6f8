/**
 * Slack's request signing (https://api.slack.com/authentication/verifying-requests-from-slack):
 * `X-Slack-Signature` is `v0=` and the hex HMAC-SHA256, keyed with the app's signing secret, of
 * `v0:<X-Slack-Request-Timestamp>:<raw body>`. Checked here by hand with node:crypto (the official
 * helper is part of @slack/bolt, a whole app framework we do not otherwise use): compared in
 * constant time, and a timestamp more than five minutes from now is refused (replays).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const MAX_CLOCK_SKEW_SECONDS = 300;

export interface SignedRequest {
  timestamp: string | undefined;
  signature: string | undefined;
  /** The body exactly as received. */
  body: Buffer | string;
}

export function slackSignature(secret: string, timestamp: string, body: Buffer | string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
}

/** True only for a request signed with `secret` within five minutes of `nowMs`. No secret: false, always. */
export function verifySlackSignature(secret: string | undefined, req: SignedRequest, nowMs = Date.now()): boolean {
  if (!secret) return false;
  const { timestamp, signature } = req;
  if (!timestamp || !signature || !/^\d{1,15}$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) return false;
  const expected = Buffer.from(slackSignature(secret, timestamp, req.body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
