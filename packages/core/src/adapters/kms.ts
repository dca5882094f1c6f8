/** The KMS adapter: read-only. fixbridge never edits key policies; it blocks instead. */
import { DescribeKeyCommand, GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import type { Clients } from '../aws/clients';
import { parsePolicy, type PolicyDocument } from '../policy';

export interface KeyInfo {
  /** The identifier as configured or as found on the resource. */
  requested: string;
  found: boolean;
  keyId?: string;
  arn?: string;
  keyState?: string;
  keyManager?: string;
  /** Null when the key policy could not be read (reason in `policyError`). */
  policy: PolicyDocument | null;
  policyError?: string;
}

/** The AWS-managed keys whose policies cannot be edited and that AWS service producers cannot use. */
export function isAwsManagedAlias(keyId: string): boolean {
  return /(^|:)alias\/aws\//.test(keyId);
}

/** DescribeKey + GetKeyPolicy. Missing keys come back with `found: false`, not an exception. */
export async function describeKeyInfo(clients: Clients, keyId: string, withPolicy = true): Promise<KeyInfo> {
  let meta;
  try {
    meta = (await clients.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
  } catch (err) {
    if ((err as Error).name === 'NotFoundException') return { requested: keyId, found: false, policy: null };
    throw err;
  }
  const info: KeyInfo = {
    requested: keyId,
    found: true,
    keyId: meta?.KeyId,
    arn: meta?.Arn,
    keyState: meta?.KeyState,
    keyManager: meta?.KeyManager,
    policy: null,
  };
  if (withPolicy && meta?.KeyId) {
    try {
      const out = await clients.kms.send(new GetKeyPolicyCommand({ KeyId: meta.KeyId, PolicyName: 'default' }));
      info.policy = parsePolicy(out.Policy, `key policy of ${meta.Arn ?? keyId}`);
    } catch (err) {
      info.policyError = `${(err as Error).name}: ${(err as Error).message}`;
    }
  }
  return info;
}

/** True when two key descriptions name the same key. */
export function sameKey(a: KeyInfo | undefined, b: KeyInfo | undefined): boolean {
  if (!a || !b) return false;
  if (a.found && b.found) return a.keyId === b.keyId;
  return a.requested === b.requested;
}

/**
 * The configured key (with its policy, unless AWS-managed) and the key a resource uses now (without),
 * for the encrypt remediations. Nothing is read when no key is configured.
 */
export async function readTargetAndCurrentKey(
  clients: Clients,
  configured: string | undefined,
  currentId: string | undefined,
): Promise<{ target?: KeyInfo; current?: KeyInfo }> {
  if (!configured) return {};
  // Already the configured key, as configured: compliant whatever the keys say, so neither is read
  // (a sweep of resources fixbridge encrypted costs no KMS call per resource).
  if (currentId === configured) return {};
  const target = await describeKeyInfo(clients, configured, !isAwsManagedAlias(configured));
  return currentId ? { target, current: await describeKeyInfo(clients, currentId, false) } : { target };
}
