/**
 * Least privilege, from the catalog: the exact IAM actions the remediations declare, scoped to the
 * account's resources where the service allows it, and the sweep's one list action per resource
 * kind. The hub worker and every member role get these.
 */
import { Aws } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CATALOG, catalogPermissions, type AnyRemediation } from '@fixbridge/core';
import { sweepPermissions } from '@fixbridge/core/hub';

/** Services whose actions take the resource's ARN; the others (KMS keys of any account, list calls) take `*`. */
const ACCOUNT_SCOPED = new Set(['sqs', 'sns', 'mq']);

export function remediationStatements(catalog: readonly AnyRemediation[] = CATALOG): PolicyStatement[] {
  const byService = new Map<string, string[]>();
  for (const action of catalogPermissions(catalog)) {
    const service = action.split(':')[0]!;
    byService.set(service, [...(byService.get(service) ?? []), action]);
  }
  return [...byService].map(
    ([service, actions]) =>
      new PolicyStatement({
        sid: `Remediate${service.replace(/[^A-Za-z0-9]/g, '')}`,
        actions,
        resources: ACCOUNT_SCOPED.has(service) ? [`arn:${Aws.PARTITION}:${service}:*:${Aws.ACCOUNT_ID}:*`] : ['*'],
      }),
  );
}

/** The sweep's list calls (the worker lists each kind, in the hub account and through member roles). List actions take no resource ARN. */
export function sweepStatement(catalog: readonly AnyRemediation[] = CATALOG): PolicyStatement {
  return new PolicyStatement({ sid: 'Sweep', actions: sweepPermissions(catalog), resources: ['*'] });
}
