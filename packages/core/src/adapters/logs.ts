/** The CloudWatch Logs adapter: read-only, to check that a service may write the logs it is asked to publish. */
import { DescribeResourcePoliciesCommand, PutResourcePolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { Clients } from '../aws/clients';
import { allPages } from '../aws/pages';
import { parsePolicy, type PolicyDocument } from '../policy';

/** One CloudWatch Logs resource policy: its name, its text as read, and its document. */
export interface LogsResourcePolicy {
  name: string;
  text: string;
  document: PolicyDocument;
}

/** Every CloudWatch Logs resource policy of the account and region (there are at most 10), with its name. */
export async function logsResourcePolicyEntries(clients: Clients): Promise<LogsResourcePolicy[]> {
  const policies = await allPages((nextToken) =>
    clients.logs.send(new DescribeResourcePoliciesCommand({ limit: 50, nextToken })).then((o) => ({ items: o.resourcePolicies, next: o.nextToken })),
  );
  return policies.flatMap((p) => {
    const name = p.policyName ?? '';
    const document = parsePolicy(p.policyDocument, `CloudWatch Logs resource policy ${name}`.trim());
    return document ? [{ name, text: p.policyDocument ?? '', document }] : [];
  });
}

/** Every CloudWatch Logs resource policy document of the account and region. */
export async function logsResourcePolicies(clients: Clients): Promise<PolicyDocument[]> {
  return (await logsResourcePolicyEntries(clients)).map((p) => p.document);
}

/** PutResourcePolicy: creates the named policy, or replaces the policy of that name (and only it). */
export async function putLogsResourcePolicy(clients: Clients, name: string, document: PolicyDocument): Promise<void> {
  await clients.logs.send(new PutResourcePolicyCommand({ policyName: name, policyDocument: JSON.stringify(document) }));
}
