/** The CloudWatch Logs adapter: read-only, to check that a service may write the logs it is asked to publish. */
import { DescribeResourcePoliciesCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { Clients } from '../aws/clients';
import { parsePolicy, type PolicyDocument } from '../policy';

/** Every CloudWatch Logs resource policy of the account and region (there are at most 10). */
export async function logsResourcePolicies(clients: Clients): Promise<PolicyDocument[]> {
  const out: PolicyDocument[] = [];
  let token: string | undefined;
  do {
    const page = await clients.logs.send(new DescribeResourcePoliciesCommand({ limit: 50, nextToken: token }));
    for (const p of page.resourcePolicies ?? []) {
      const doc = parsePolicy(p.policyDocument, `CloudWatch Logs resource policy ${p.policyName ?? ''}`.trim());
      if (doc) out.push(doc);
    }
    token = page.nextToken;
  } while (token);
  return out;
}
