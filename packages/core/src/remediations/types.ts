import type { z } from 'zod';
import type { ResourceRef } from '../arn';
import type { Clients } from '../aws/clients';
import type { EngineConfig } from '../config';
import type { AnyKind, OpOf, StateOf, Tags } from '../resources/kind';
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
 * What evaluate decides, purely from (input, options, config).
 * `plan` carries the changes to show a person and the kind's operations that apply performs.
 * `pendingReboot` on `compliant`: compliant as configured, in effect after the next reboot.
 */
export type Assessment<Op> =
  | { kind: 'compliant'; reason: string; pendingReboot?: true }
  | { kind: 'plan'; changes: Change[]; ops: Op[]; reason: string }
  | { kind: 'blocked'; reason: string }
  | { kind: 'not-remediable'; reason: string }
  | { kind: 'skipped'; reason: string };

/** The engine-wide settings a remediation's evaluate may depend on. */
export type EvaluateConfig = Pick<EngineConfig, 'organizationId' | 'exemptTagKey'>;

/** I/O handed to a remediation's read and apply steps. Reads of one resource are shared by its remediations. */
export interface RemediationContext<K extends AnyKind = AnyKind> {
  ref: ResourceRef;
  clients: Clients;
  /** The resource's state, read once per resource per run (and again after a write). */
  resource(): Promise<StateOf<K>>;
  /** The resource's tags, read once per resource per run. */
  tags(): Promise<Tags>;
}

export interface Remediation<K extends AnyKind = AnyKind, Input = unknown, Options = unknown, Op = OpOf<K>> {
  id: string;
  title: string;
  /** The kind of resource it remediates. */
  kind: K;
  controls: ControlMapping;
  risk: Risk;
  /**
   * The IAM actions it calls beyond its kind's reads (`kind.reads`): its writes and any extra
   * reads. `permissionsOf` gives the whole set; the deployed roles are built from it.
   */
  permissions: string[];
  /** Strict zod schema of the remediation's own options (without `mode`, which the engine adds). */
  optionsSchema: z.ZodType<Options>;
  /** Read everything evaluate needs. */
  read(ctx: RemediationContext<K>, options: Options): Promise<Input>;
  /** Pure: no I/O, no clock. */
  evaluate(input: Input, options: Options, config: EvaluateConfig): Assessment<Op>;
  /** Perform the operations of a plan (default: the kind's `applyOps`). */
  apply?(ctx: RemediationContext<K>, ops: Op[], options: Options): Promise<void>;
}

// The catalog stores remediations with their type parameters erased.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRemediation = Remediation<AnyKind, any, any, any>;

/** Identity helper that keeps a remediation's type parameters inferred and checked. */
export function defineRemediation<K extends AnyKind, Input, Options, Op = OpOf<K>>(r: Remediation<K, Input, Options, Op>): Remediation<K, Input, Options, Op> {
  return r;
}

/** Every IAM action the remediation calls: its kind's reads and its own additions. */
export function permissionsOf(r: AnyRemediation): string[] {
  return [...new Set([...r.kind.reads, ...r.permissions])];
}

/** All controls of a remediation as display strings, e.g. `SecurityHub:SQS.1`, `Qualys:291`. */
export function controlLabels(r: AnyRemediation): string[] {
  return [...r.controls.securityHub.map((c) => `SecurityHub:${c}`), ...r.controls.qualys.map((c) => `Qualys:${c}`)];
}
