/**
 * Engine configuration: the JSON file of `fixbridge --config`, and the deployed engine's SSM
 * parameter. Strict everywhere: an unknown key is an error, never silently ignored.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CATALOG } from './catalog';
import { InputError } from './errors';
import { firstIssue } from './events/envelope';
import { ModeSchema, type Mode } from './results';
import type { AnyRemediation, EngineSettings } from './remediations/types';

export const DEFAULT_EXEMPT_TAG_KEY = 'fixbridge:exempt';

export const ConfigFileSchema = z
  .object({
    mode: ModeSchema.optional(),
    exemptTagKey: z.string().min(1).max(128).default(DEFAULT_EXEMPT_TAG_KEY),
    engineRoleArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'expected an IAM role ARN (arn:aws:iam::<account>:role/<name>)')
      .optional(),
    organizationId: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'expected an AWS Organizations id like o-abc123defg').optional(),
    remediations: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  })
  .strict();
export type ConfigFile = z.input<typeof ConfigFileSchema>;

/** One remediation's effective settings: its own parsed config and its mode override. */
export interface RemediationSettings {
  mode?: Mode | undefined;
  config: unknown;
}

export interface EngineConfig extends EngineSettings {
  mode?: Mode | undefined;
  engineRoleArn?: string | undefined;
  remediations: Record<string, RemediationSettings>;
}

/**
 * Validate a config object against the top-level schema and every remediation's own strict
 * schema. Throws `InputError` with a one-line message naming the offending path.
 */
export function parseConfig(raw: unknown, source = 'config', catalog: readonly AnyRemediation[] = CATALOG): EngineConfig {
  const top = ConfigFileSchema.safeParse(raw);
  if (!top.success) throw new InputError(`${source}: ${firstIssue(top.error)}`);
  const remediations: Record<string, RemediationSettings> = {};
  for (const [id, settings] of Object.entries(top.data.remediations)) {
    if (!catalog.some((r) => r.id === id)) {
      throw new InputError(`${source}: remediations.${id}: unknown remediation (run "fixbridge list" for the ids)`);
    }
  }
  for (const r of catalog) {
    const { mode, ...own } = (top.data.remediations[r.id] ?? {}) as Record<string, unknown>;
    const parsedMode = ModeSchema.optional().safeParse(mode);
    if (!parsedMode.success) throw new InputError(`${source}: remediations.${r.id}.mode: ${firstIssue(parsedMode.error)}`);
    const parsed = r.configSchema.safeParse(own);
    if (!parsed.success) throw new InputError(`${source}: ${firstIssue(parsed.error, `remediations.${r.id}`)}`);
    remediations[r.id] = { mode: parsedMode.data, config: parsed.data };
  }
  return {
    mode: top.data.mode,
    exemptTagKey: top.data.exemptTagKey,
    engineRoleArn: top.data.engineRoleArn,
    organizationId: top.data.organizationId,
    remediations,
  };
}

export function defaultConfig(catalog: readonly AnyRemediation[] = CATALOG): EngineConfig {
  return parseConfig({}, 'default config', catalog);
}

export async function loadConfigFile(path: string, catalog: readonly AnyRemediation[] = CATALOG): Promise<EngineConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new InputError(`config file ${path}: cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new InputError(`config file ${path}: not valid JSON (${(cause as Error).message})`, { cause });
  }
  return parseConfig(raw, `config file ${path}`, catalog);
}

/** Effective mode: the command-line flag > the remediation's own mode > the top-level mode > dry-run. */
export function effectiveMode(config: EngineConfig, remediationId: string, override?: Mode): Mode {
  return override ?? config.remediations[remediationId]?.mode ?? config.mode ?? 'dry-run';
}
