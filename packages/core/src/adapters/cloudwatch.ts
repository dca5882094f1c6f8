/** The CloudWatch adapter: read-only, to find alarms that publish to a topic. */
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { Clients } from '../aws/clients';

export interface AlarmPublishers {
  /** Names of metric and composite alarms with the topic among their actions. */
  names: string[];
  /** True when there were more alarms than were read: some publisher may be unseen. */
  truncated: boolean;
}

/**
 * CloudWatch alarms publish to SNS through the default topic policy (`AWS: *` scoped by
 * `AWS:SourceOwner`), without `cloudwatch.amazonaws.com` being named anywhere; only the alarms
 * themselves say they do. Reads at most `maxPages` pages of 100 alarms.
 */
export async function alarmsPublishingTo(clients: Clients, topicArn: string, maxPages = 50): Promise<AlarmPublishers> {
  const names: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const out = await clients.cloudwatch.send(new DescribeAlarmsCommand({ MaxRecords: 100, NextToken: token, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }));
    for (const a of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
      const actions = [...(a.AlarmActions ?? []), ...(a.OKActions ?? []), ...(a.InsufficientDataActions ?? [])];
      if (a.AlarmName && actions.includes(topicArn)) names.push(a.AlarmName);
    }
    token = out.NextToken;
    if (!token) return { names, truncated: false };
  }
  return { names, truncated: true };
}
