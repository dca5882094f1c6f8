/** The offline tests every report-only MQ remediation shares. */
import { expect, it } from 'vitest';
import { permissionsOf, type AnyRemediation } from '@fixbridge/core';

/** A case: its name, the evaluation, the assessment's kind and what its reason says. */
export type ReportCase = [name: string, evaluate: () => { kind: string; reason: string }, kind: string, reason: RegExp];

/** What `r` reports in each case, and that it never writes: risk none, read-only permissions, apply refuses. */
export function reportOnlyTests(r: AnyRemediation, cases: ReportCase[]): void {
  it.each<ReportCase>(cases)('%s → %s', (_n, evaluate, kind, reason) => {
    const a = evaluate();
    expect(a.kind).toBe(kind);
    expect(a.reason).toMatch(reason);
  });

  it(`${r.id} never writes: risk none, read-only permissions, apply refuses`, async () => {
    expect(r.risk).toBe('none');
    expect(permissionsOf(r).every((p) => /^(mq:Describe|kms:Describe)/.test(p))).toBe(true);
    await expect(r.apply!({} as never, [], {})).rejects.toThrow(/report-only/);
  });
}
