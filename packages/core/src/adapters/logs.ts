/** The CloudWatch Logs adapter: read-only, to check that a service may write the logs it is asked to publish. */
import { DescribeResourcePoliciesCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { Clients } from '../aws/clients';
import { allPages } from '../aws/pages';
import { parsePolicy, type PolicyDocument } from '../policy';

/** Every CloudWatch Logs resource policy of the account and region (there are at most 10). */
export async function logsResourcePolicies(clients: Clients): Promise<PolicyDocument[]> {
  const policies = await allPages((nextToken) =>
    clients.logs.send(new DescribeResourcePoliciesCommand({ limit: 50, nextToken })).then((o) => ({ items: o.resourcePolicies, next: o.nextToken })),
  );
  return policies.flatMap((p) => parsePolicy(p.policyDocument, `CloudWatch Logs resource policy ${p.policyName ?? ''}`.trim()) ?? []);
}
