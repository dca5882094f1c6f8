/** A short message on the notification topic for each notable result. */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { isNotable, summaryLine, truncate, type Delivery, type Output } from './outputs';

/** A short message for a person, or undefined for results nobody needs to read. */
export function notificationFor(d: Delivery): { subject: string; message: string } | undefined {
  if (!isNotable(d.result)) return undefined;
  const res = d.result;
  const lines = [
    summaryLine(d),
    `Resource: ${res.resourceArn}`,
    `Mode: ${res.mode}${res.controls.length ? `; controls: ${res.controls.join(', ')}` : ''}`,
    ...res.changes.map((c) => `  ~ ${c.field}: ${c.description}`),
  ];
  if (d.changeId && res.status === 'applied') lines.push(`Undo: fixbridge rollback ${d.changeId} --mode auto`);
  // SNS subjects: ASCII, no line breaks, at most 100 characters.
  const subject = truncate(`fixbridge ${res.status}: ${res.remediation} on ${res.resourceArn?.split(':').slice(-1)[0]}`.replace(/[^\x20-\x7e]/g, '?'), 100);
  return { subject, message: lines.join('\n') };
}

export function snsNotifier(client: SNSClient, topicArn: string): Output {
  return async (d) => {
    const n = notificationFor(d);
    if (n) await client.send(new PublishCommand({ TopicArn: topicArn, Subject: n.subject, Message: n.message }));
  };
}
