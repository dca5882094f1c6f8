import type { z } from 'zod';
import type { ResourceRef, ResourceType } from '../arn';
import type { Clients } from '../aws/clients';
import type { Change } from '../results';

export type Risk = 'low' | 'medium' | 'high' | 'none';

/** Where a remediation's controls come from: Security Hub control ids are routed on; the rest are documentation. */
export interface ControlMapping {
  securityHub: string[];
  qualys: string[];
  /** Other references from the seed documents (labelled with the seed's own numbering). */
  seeds: string[];
}

/**
 * What evaluate decides, purely from (input, config).
 * `plan` carries the changes to show a person and the remediation-specific operations `apply` performs.
 */
export type Assessment<Op> =
  | { kind: 'compliant'; reason: string }
  | { kind: 'plan'; changes: Change[]; ops: Op[]; reason: string }
  | { kind: 'blocked'; reason: string }
  | { kind: 'not-remediable'; reason: string }
  | { kind: 'skipped'; reason: string };

/** I/O handed to a remediation's read and apply steps. Reads of the same resource are cached by the engine. */
/** Engine-wide settings a remediation may depend on (from the top level of the config file). */
export interface EngineSettings {
  organizationId?: string | undefined;
  exemptTagKey: string;
}

export interface RemediationContext {
  settings: EngineSettings;
  ref: ResourceRef;
  clients: Clients;
  /** The resource's base state (attributes, policy, tags), read once per resource per run. */
  resource(): Promise<unknown>;
}

export interface Remediation<Input = unknown, Config = unknown, Op = unknown> {
  id: string;
  title: string;
  resourceType: ResourceType;
  controls: ControlMapping;
  risk: Risk;
  /** Exact IAM actions the remediation calls (reads and writes). The deployed roles are built from these. */
  permissions: string[];
  /** Strict zod schema of the remediation's own settings (without `mode`, which the engine adds). */
  configSchema: z.ZodType<Config>;
  /** Read everything evaluate needs. */
  read(ctx: RemediationContext, config: Config): Promise<Input>;
  /** Pure: no I/O, no clock. */
  evaluate(input: Input, config: Config, settings: EngineSettings): Assessment<Op>;
  /** Perform the operations of a plan. */
  apply(ctx: RemediationContext, ops: Op[], config: Config): Promise<void>;
}

// The catalog stores remediations with their type parameters erased.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRemediation = Remediation<any, any, any>;

/** Identity helper that keeps a remediation's type parameters inferred and checked. */
export function defineRemediation<Input, Config, Op>(r: Remediation<Input, Config, Op>): Remediation<Input, Config, Op> {
  return r;
}

/** All controls of a remediation as display strings, e.g. `SecurityHub:SQS.1`, `Qualys:291`. */
export function controlLabels(r: AnyRemediation): string[] {
  return [
    ...r.controls.securityHub.map((c) => `SecurityHub:${c}`),
    ...r.controls.qualys.map((c) => `Qualys:${c}`),
  ];
}
