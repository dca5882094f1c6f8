import { describe, expect, it } from 'vitest';
import { CATALOG, catalogPermissions, permissionsOf, RESOURCE_KINDS } from '@fixbridge/core';
import { offline } from '../support/projects';

/** Walks the whole catalog: every entry must be complete enough to deploy and route. */
offline('catalog', () => {
  it('has unique, kebab-case ids', () => {
    const ids = CATALOG.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^(sqs|sns|mq)-[a-z0-9-]+$/);
  });

  describe.each(CATALOG.map((r) => [r.id, r] as const))('%s', (_id, r) => {
    it('declares exact IAM actions (no wildcards) for its service', () => {
      expect(permissionsOf(r).length).toBeGreaterThan(0);
      for (const p of permissionsOf(r)) expect(p).toMatch(/^(sqs|sns|mq|kms|sts|tag|cloudwatch|logs):[A-Z][A-Za-z]+$/);
      expect(new Set(r.permissions).size).toBe(r.permissions.length);
    });

    it('maps to at least one control (Security Hub, Qualys or a seed reference) and has a title and risk', () => {
      expect(r.controls.securityHub.length + r.controls.qualys.length + r.controls.seeds.length).toBeGreaterThan(0);
      expect(r.title.length).toBeGreaterThan(10);
      expect(['low', 'medium', 'high', 'none']).toContain(r.risk);
    });

    it('has a strict config schema whose defaults parse from {}', () => {
      expect(r.optionsSchema.safeParse({}).success).toBe(true);
      expect(r.optionsSchema.safeParse({ definitelyNotASetting: true }).success).toBe(false);
    });

    it('has a readable, routable resource kind from the list of kinds', () => {
      expect(r.kind.read).toBeTypeOf('function');
      expect(RESOURCE_KINDS).toContain(r.kind);
    });
  });

  it('has one permission union for the deployed roles', () => {
    const union = catalogPermissions();
    expect(union).toEqual([...union].sort());
    for (const r of CATALOG) for (const p of permissionsOf(r)) expect(union).toContain(p);
  });
});
