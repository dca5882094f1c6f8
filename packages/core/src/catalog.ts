/**
 * The catalog: every remediation fixbridge has. Routing, the CLI's `list`, the config schema and
 * the deployed IAM policies are all built from this one array.
 */
import { sqsBlockPublicAccess } from './remediations/sqs-block-public-access';
import { sqsDeadLetterQueue } from './remediations/sqs-dead-letter-queue';
import { sqsEncryptAtRest } from './remediations/sqs-encrypt-at-rest';
import { sqsRequireTls } from './remediations/sqs-require-tls';
import { sqsRequiredTags } from './remediations/sqs-required-tags';
import { snsEncryptAtRest } from './remediations/sns-encrypt-at-rest';
import { snsRequireTls } from './remediations/sns-require-tls';
import { snsDenyHttpSubscriptions } from './remediations/sns-deny-http-subscriptions';
import { snsBlockPublicAccess } from './remediations/sns-block-public-access';
import { snsRequiredTags } from './remediations/sns-required-tags';
import { mqEnableLogging } from './remediations/mq-enable-logging';
import { mqAutoMinorVersionUpgrade } from './remediations/mq-auto-minor-version-upgrade';
import { mqNoPublicAccess } from './remediations/mq-no-public-access';
import { mqActiveStandby } from './remediations/mq-active-standby';
import { mqRabbitCluster } from './remediations/mq-rabbit-cluster';
import { mqEncryptWithCmk } from './remediations/mq-encrypt-with-cmk';
import { mqRequiredTags } from './remediations/mq-required-tags';
import { permissionsOf, type AnyRemediation } from './remediations/types';
import { RESOURCE_KINDS, type AnyKind, type ResourceType } from './resources';

export const CATALOG: readonly AnyRemediation[] = [
  sqsEncryptAtRest,
  sqsRequireTls,
  sqsBlockPublicAccess,
  sqsDeadLetterQueue,
  sqsRequiredTags,
  snsEncryptAtRest,
  snsRequireTls,
  snsDenyHttpSubscriptions,
  snsBlockPublicAccess,
  snsRequiredTags,
  mqEnableLogging,
  mqAutoMinorVersionUpgrade,
  mqNoPublicAccess,
  mqActiveStandby,
  mqRabbitCluster,
  mqEncryptWithCmk,
  mqRequiredTags,
];

export function findRemediation(id: string, catalog: readonly AnyRemediation[] = CATALOG): AnyRemediation | undefined {
  return catalog.find((r) => r.id === id);
}

/** Remediations mapped to a control: a Security Hub id (`SQS.1`), or `Qualys:291` / bare Qualys id. */
export function remediationsForControl(control: string, catalog: readonly AnyRemediation[] = CATALOG): AnyRemediation[] {
  const c = control.trim();
  const qualys = /^qualys:/i.test(c) ? c.slice('qualys:'.length) : c;
  const hub = /^securityhub:/i.test(c) ? c.slice('securityhub:'.length) : c;
  return catalog.filter(
    (r) => r.controls.securityHub.some((x) => x.toLowerCase() === hub.toLowerCase()) || r.controls.qualys.includes(qualys),
  );
}

export function remediationsForType(type: ResourceType, catalog: readonly AnyRemediation[] = CATALOG): AnyRemediation[] {
  return catalog.filter((r) => r.kind.type === type);
}

/** Every IAM action any remediation calls (its kind's reads included), sorted and deduplicated. */
export function catalogPermissions(catalog: readonly AnyRemediation[] = CATALOG): string[] {
  return [...new Set(catalog.flatMap(permissionsOf))].sort();
}

/** The resource kinds the catalog remediates, in the order of the list of kinds. */
export function catalogKinds(catalog: readonly AnyRemediation[] = CATALOG): AnyKind[] {
  return (RESOURCE_KINDS as readonly AnyKind[]).filter((k) => catalog.some((r) => r.kind === k));
}
