/** Slack's request signature: the published example, and every way a request is refused. */
import { expect, it } from 'vitest';
import { slackSignature, verifySlackSignature } from '@fixbridge/core/slack';
import { offline } from '../../support/projects';
import { SLACK_VECTOR as V } from '../../support/slack';

offline('Slack request signature', () => {
  const at = Number(V.timestamp) * 1000;
  const req = { timestamp: V.timestamp, signature: V.signature, body: V.body };

  it("accepts Slack's published example, as text or as the raw bytes", () => {
    expect(slackSignature(V.secret, V.timestamp, V.body)).toBe(V.signature);
    expect(verifySlackSignature(V.secret, req, at)).toBe(true);
    expect(verifySlackSignature(V.secret, { ...req, body: Buffer.from(V.body) }, at)).toBe(true);
  });

  it('refuses a tampered body, a wrong secret, another signature version or a truncated signature', () => {
    expect(verifySlackSignature(V.secret, { ...req, body: V.body.replace('roadrunner', 'coyote') }, at)).toBe(false);
    expect(verifySlackSignature(`${V.secret}x`, req, at)).toBe(false);
    expect(verifySlackSignature(V.secret, { ...req, signature: V.signature.replace('v0=', 'v1=') }, at)).toBe(false);
    expect(verifySlackSignature(V.secret, { ...req, signature: V.signature.slice(0, -2) }, at)).toBe(false);
  });

  it('refuses a timestamp more than five minutes old or ahead, and one that is not a number', () => {
    expect(verifySlackSignature(V.secret, req, at + 300_000)).toBe(true);
    expect(verifySlackSignature(V.secret, req, at + 301_000)).toBe(false);
    expect(verifySlackSignature(V.secret, req, at - 301_000)).toBe(false);
    const future = String(Number(V.timestamp) + 400);
    expect(verifySlackSignature(V.secret, { ...req, timestamp: future, signature: slackSignature(V.secret, future, V.body) }, at)).toBe(false);
    expect(verifySlackSignature(V.secret, { ...req, timestamp: `${V.timestamp}.5` }, at)).toBe(false);
  });

  it('refuses a request without its headers, and every request when no secret is configured', () => {
    expect(verifySlackSignature(V.secret, { ...req, timestamp: undefined }, at)).toBe(false);
    expect(verifySlackSignature(V.secret, { ...req, signature: undefined }, at)).toBe(false);
    expect(verifySlackSignature(undefined, req, at)).toBe(false);
    expect(verifySlackSignature('', req, at)).toBe(false);
  });
});
