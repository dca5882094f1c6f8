/**
 * A member account: the remediation role the hub worker assumes (same catalog permissions and the
 * sweep's list calls, external id required), and rules forwarding the account's CloudTrail events to
 * the hub's default bus.
 */
import { Aws } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import { AccountPrincipal, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { StackContext } from 'sst/constructs';
import { remediationStatements, sweepStatement } from './iam';
import { cloudTrailPatterns } from './patterns';
import { workerRoleName, type MemberSettings } from './settings';

export function memberStack(settings: MemberSettings) {
  return function Member({ stack }: StackContext) {
    const hubWorker = `arn:${Aws.PARTITION}:iam::${settings.hubAccountId}:role/${workerRoleName(settings.hubStage, settings.hubRegion)}`;
    // Trust the hub account, but only its worker role (aws:PrincipalArn), and only with the external id.
    const role = new Role(stack, 'RemediationRole', {
      roleName: settings.memberRoleName,
      description: `fixbridge: assumed by the hub worker ${settings.hubAccountId}/${settings.hubStage}`,
      assumedBy: new AccountPrincipal(settings.hubAccountId).withConditions({
        StringEquals: { 'sts:ExternalId': settings.externalId },
        ArnEquals: { 'aws:PrincipalArn': hubWorker },
      }),
    });
    new Policy(stack, 'RemediationPolicy', { roles: [role], statements: [...remediationStatements(), sweepStatement()] });

    const hubBus = EventBus.fromEventBusArn(stack, 'HubBus', `arn:${Aws.PARTITION}:events:${settings.hubRegion}:${settings.hubAccountId}:event-bus/default`);
    const forwarder = new Role(stack, 'ForwarderRole', { assumedBy: new ServicePrincipal('events.amazonaws.com') });
    forwarder.addToPrincipalPolicy(new PolicyStatement({ actions: ['events:PutEvents'], resources: [hubBus.eventBusArn] }));
    for (const { type, pattern } of cloudTrailPatterns()) {
      new Rule(stack, `Forward-${type}`, { description: `fixbridge: forward ${type} API calls to the hub`, eventPattern: pattern, targets: [new EventBusTarget(hubBus, { role: forwarder })] });
    }
    stack.addOutputs({ RemediationRoleArn: role.roleArn, HubWorkerRoleArn: hubWorker });
    return { role };
  };
}
