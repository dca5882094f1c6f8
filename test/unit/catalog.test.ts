import { describe, expect, it } from 'vitest';
import { CATALOG, catalogPermissions, RESOURCE_KINDS, READERS } from '@fixbridge/core';

/** Walks the whole catalog: every entry must be complete enough to deploy and route. */
describe('catalog', () => {
  it('has unique, kebab-case ids', () => {
    const ids = CATALOG.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^(sqs|sns|mq)-[a-z0-9-]+$/);
  });

  describe.each(CATALOG.map((r) => [r.id, r] as const))('%s', (_id, r) => {
    it('declares exact IAM actions (no wildcards) for its service', () => {
      expect(r.permissions.length).toBeGreaterThan(0);
      for (const p of r.permissions) expect(p).toMatch(/^(sqs|sns|mq|kms|sts|tag|cloudwatch|logs):[A-Z][A-Za-z]+$/);
      expect(new Set(r.permissions).size).toBe(r.permissions.length);
    });

    it('maps to at least one control (Security Hub, Qualys or a seed reference) and has a title and risk', () => {
      expect(r.controls.securityHub.length + r.controls.qualys.length + r.controls.seeds.length).toBeGreaterThan(0);
      expect(r.title.length).toBeGreaterThan(10);
      expect(['low', 'medium', 'high', 'none']).toContain(r.risk);
    });

    it('has a strict config schema whose defaults parse from {}', () => {
      expect(r.configSchema.safeParse({}).success).toBe(true);
      expect(r.configSchema.safeParse({ definitelyNotASetting: true }).success).toBe(false);
    });

    it('has a reader and a routable resource kind', () => {
      expect(READERS[r.resourceType]).toBeTypeOf('function');
      expect(RESOURCE_KINDS.some((k) => k.type === r.resourceType)).toBe(true);
    });
  });

  it('has one permission union for the deployed roles', () => {
    const union = catalogPermissions();
    expect(union).toEqual([...union].sort());
    for (const r of CATALOG) for (const p of r.permissions) expect(union).toContain(p);
  });
});
