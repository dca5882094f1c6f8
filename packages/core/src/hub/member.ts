/**
 * Member-account access: resources of the hub account use the worker's own credentials; resources of
 * any other account use the member stack's role there, assumed with the stage's external id.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { ResourceRef } from '../arn';
import { clientConfig, ClientPool, createClients, type Clients } from '../aws/clients';
import { describeError } from '../errors';

export const DEFAULT_MEMBER_ROLE_NAME = 'fixbridge-remediation';

export interface MemberAccessOptions {
  hubAccountId: string;
  roleName?: string | undefined;
  externalId: string;
  /** Clients for the hub account (default: the SDK credentials chain). */
  pool?: ClientPool;
  sts?: STSClient;
}

/** Where SDK clients are for: an account and region (a resource's, or a listing's). */
export type AccountRegion = Pick<ResourceRef, 'partition' | 'accountId' | 'region'>;

export function memberRoleArn(ref: Pick<ResourceRef, 'partition' | 'accountId'>, roleName = DEFAULT_MEMBER_ROLE_NAME): string {
  return `arn:${ref.partition}:iam::${ref.accountId}:role/${roleName}`;
}

/**
 * An `EngineDeps.clientsFor` (and the sweep's, for listings) that assumes the member role for other
 * accounts (credentials cached until 5 minutes before they expire).
 */
export function memberClientsFor(opts: MemberAccessOptions): (ref: AccountRegion) => Promise<Clients> {
  const pool = opts.pool ?? new ClientPool();
  const sts = opts.sts ?? new STSClient(clientConfig(process.env.AWS_REGION));
  const assumed = new Map<string, { expires: number; pool: ClientPool }>();
  return async (ref) => {
    if (ref.accountId === opts.hubAccountId) return pool.get(ref.region);
    const roleArn = memberRoleArn(ref, opts.roleName);
    let entry = assumed.get(roleArn);
    if (!entry || entry.expires - Date.now() < 5 * 60_000) {
      let creds;
      try {
        creds = (await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'fixbridge', ExternalId: opts.externalId }))).Credentials;
      } catch (err) {
        throw new Error(`cannot assume role ${roleArn} in account ${ref.accountId} (deploy the fixbridge member stack there, with this stage's external id): ${describeError(err)}`, { cause: err });
      }
      if (!creds?.AccessKeyId || !creds.SecretAccessKey) throw new Error(`AssumeRole ${roleArn} returned no credentials`);
      const credentials = { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken, expiration: creds.Expiration };
      entry = { expires: creds.Expiration?.getTime() ?? Date.now() + 3_600_000, pool: new ClientPool((region) => createClients({ region, credentials })) };
      assumed.set(roleArn, entry);
    }
    return entry.pool.get(ref.region);
  };
}
