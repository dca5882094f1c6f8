import { expect, it } from 'vitest';
import {
  appendStatement,
  coversAction,
  coversWholeService,
  isPublicAllow,
  isSecureTransportDeny,
  keyPolicyMissingActions,
  parsePolicy,
  replaceStatement,
  scopingConditionKeys,
  statementsOf,
  uniqueSid,
  wildcardMatch,
  type PolicyDocument,
  type Statement,
} from '@fixbridge/core';
import { offline } from '../support/projects';

const ARN = 'arn:aws:sqs:us-east-1:123456789012:orders';

offline('wildcardMatch / coversAction', () => {
  it.each([
    ['sqs:*', 'sqs:SendMessage', true],
    ['SQS:sendmessage', 'sqs:SendMessage', true],
    ['sqs:Send*', 'sqs:SendMessage', true],
    ['sqs:Receive*', 'sqs:SendMessage', false],
    ['*', 'kms:Decrypt', true],
    ['kms:GenerateDataKey*', 'kms:GenerateDataKey', true],
    ['kms:GenerateDataKey?', 'kms:GenerateDataKey', false],
  ])('%s matches %s → %s', (pattern, action, expected) => {
    expect(wildcardMatch(pattern, action)).toBe(expected);
  });

  it('treats NotAction as everything but the listed actions', () => {
    const stmt: Statement = { Effect: 'Allow', NotAction: 'sqs:DeleteQueue' };
    expect(coversAction(stmt, 'sqs:SendMessage')).toBe(true);
    expect(coversAction(stmt, 'sqs:DeleteQueue')).toBe(false);
  });

  it('knows when a statement covers a whole service', () => {
    expect(coversWholeService({ Effect: 'Deny', Action: ['sqs:*'] }, 'sqs')).toBe(true);
    expect(coversWholeService({ Effect: 'Deny', Action: '*' }, 'sqs')).toBe(true);
    expect(coversWholeService({ Effect: 'Deny', Action: 'sqs:SendMessage' }, 'sqs')).toBe(false);
  });
});

offline('isPublicAllow', () => {
  const base: Statement = { Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: ARN };
  it.each<[string, Statement, boolean]>([
    ['Principal "*" with no condition', base, true],
    ['Principal {AWS: "*"}', { ...base, Principal: { AWS: '*' } }, true],
    ['Principal {AWS: ["*"]}', { ...base, Principal: { AWS: ['arn:aws:iam::111122223333:root', '*'] } }, true],
    ['a specific account', { ...base, Principal: { AWS: 'arn:aws:iam::111122223333:root' } }, false],
    ['a Deny', { ...base, Effect: 'Deny' }, false],
    ['scoped by aws:SourceArn', { ...base, Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:t' } } }, false],
    ['scoped by AWS:SourceOwner (case-insensitive key)', { ...base, Condition: { StringEquals: { 'AWS:SourceOwner': '123456789012' } } }, false],
    ['scoped by aws:PrincipalOrgID', { ...base, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } }, false],
    ['only aws:SecureTransport (not a scoping key)', { ...base, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }, true],
    ['a wildcard-only aws:SourceArn', { ...base, Condition: { ArnLike: { 'aws:SourceArn': '*' } } }, true],
    ['an ...IfExists scoping key', { ...base, Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '123456789012' } } }, true],
    ['NotPrincipal with Allow', { Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::1:root' }, Action: 'sqs:*' }, true],
    ['a negated StringNotEquals aws:SourceAccount', { ...base, Condition: { StringNotEquals: { 'aws:SourceAccount': '999999999999' } } }, true],
    ['a negated NotIpAddress aws:SourceIp', { ...base, Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }, true],
    ['IpAddress 0.0.0.0/0', { ...base, Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } }, true],
    ['IpAddress 10.0.0.0/8', { ...base, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }, false],
    ['a partial wildcard naming no account', { ...base, Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*' } } }, true],
    ['a wildcard pinned to an account', { ...base, Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:*' } } }, false],
    ['ForAllValues (vacuous on a missing key)', { ...base, Condition: { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-abcdefghij' } } }, true],
    ['ForAnyValue:StringLike org paths', { ...base, Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-abcdefghij/*' } } }, false],
    ['one broad value among narrow ones', { ...base, Condition: { StringEquals: { 'aws:SourceAccount': ['123456789012', '*'] } } }, true],
  ])('%s → %s', (_name, stmt, expected) => {
    expect(isPublicAllow(stmt)).toBe(expected);
  });

  it('lists the scoping keys it found', () => {
    expect(scopingConditionKeys({ Effect: 'Allow', Condition: { StringEquals: { 'aws:SourceAccount': '1', 'sqs:x': 'y' } } })).toEqual(['aws:SourceAccount']);
  });
});

offline('isSecureTransportDeny', () => {
  const deny: Statement = { Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: ARN, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
  const wholeSqs = (s: Statement) => coversWholeService(s, 'sqs');
  it.each<[string, Statement, boolean]>([
    ['the canonical statement', deny, true],
    ['boolean false and any Sid', { ...deny, Sid: 'SomeoneElse', Condition: { Bool: { 'aws:SecureTransport': false } } }, true],
    ['BoolIfExists', { ...deny, Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } } }, true],
    ['Resource "*"', { ...deny, Resource: '*' }, true],
    ['another queue', { ...deny, Resource: 'arn:aws:sqs:us-east-1:123456789012:other' }, false],
    ['only SendMessage', { ...deny, Action: 'sqs:SendMessage' }, false],
    ['an Allow', { ...deny, Effect: 'Allow' }, false],
    ['SecureTransport true', { ...deny, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }, false],
    ['one principal only', { ...deny, Principal: { AWS: 'arn:aws:iam::1:root' } }, false],
    ['narrowed by another condition', { ...deny, Condition: { Bool: { 'aws:SecureTransport': 'false' }, StringEquals: { 'aws:PrincipalAccount': '111122223333' } } }, false],
  ])('%s → %s', (_n, stmt, expected) => {
    expect(isSecureTransportDeny(stmt, ARN, wholeSqs)).toBe(expected);
  });
});

offline('merging', () => {
  const doc: PolicyDocument = { Version: '2012-10-17', Id: 'mine', Statement: { Sid: 'A', Effect: 'Allow', Principal: { AWS: 'x' }, Action: 'sqs:*' } };
  it('appends without mutating and keeps every existing statement and key', () => {
    const copy = structuredClone(doc);
    const out = appendStatement(doc, { Sid: 'B', Effect: 'Deny', Principal: '*', Action: 'sqs:*' });
    expect(doc).toEqual(copy);
    expect(out.Id).toBe('mine');
    expect(statementsOf(out).map((s) => s.Sid)).toEqual(['A', 'B']);
  });
  it('creates a document when there was none', () => {
    const out = appendStatement(null, { Effect: 'Deny', Action: 'sqs:*' });
    expect(out).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'sqs:*' }] });
  });
  it('replaces exactly one statement', () => {
    const two = appendStatement(doc, { Sid: 'B', Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage' });
    const out = replaceStatement(two, 1, { Sid: 'B2', Effect: 'Deny', Action: 'sqs:*' });
    expect(statementsOf(out).map((s) => s.Sid)).toEqual(['A', 'B2']);
  });
  it('picks an unused Sid', () => {
    const two = appendStatement(doc, { Sid: 'A2', Effect: 'Allow' });
    expect(uniqueSid(two, 'A')).toBe('A3');
    expect(uniqueSid(two, 'Z')).toBe('Z');
  });
  it('keeps unknown statement keys through parse', () => {
    const p = parsePolicy(JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'a', Custom: 1 }] }));
    expect(statementsOf(p)[0]).toMatchObject({ Custom: 1 });
  });
  it('rejects a policy that is not JSON with a named error', () => {
    expect(() => parsePolicy('{nope', 'policy of q')).toThrow(/policy of q is not valid JSON/);
  });
  it('treats an empty policy as none', () => {
    expect(parsePolicy('')).toBeNull();
    expect(parsePolicy(undefined)).toBeNull();
  });
});

offline('keyPolicyMissingActions', () => {
  const needs = ['kms:GenerateDataKey', 'kms:Decrypt'];
  it.each<[string, PolicyDocument | null, string[]]>([
    ['no policy', null, needs],
    ['admin only', { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::1:root' }, Action: 'kms:*' }] }, needs],
    ['service with wildcard actions', { Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'] }] }, []],
    ['service list with kms:*', { Statement: [{ Effect: 'Allow', Principal: { Service: ['events.amazonaws.com', 'sns.amazonaws.com'] }, Action: 'kms:*' }] }, []],
    ['only Decrypt', { Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'kms:Decrypt' }] }, ['kms:GenerateDataKey']],
    ['another service', { Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'kms:*' }] }, needs],
    ['everyone, unconditionally', { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*' }] }, []],
    [
      'everyone in the account via kms:CallerAccount (service principals do not match)',
      { Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Condition: { StringEquals: { 'kms:CallerAccount': '123456789012', 'kms:ViaService': 'sqs.us-east-1.amazonaws.com' } } }] },
      needs,
    ],
    [
      'allowed then denied unconditionally',
      {
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'kms:*' },
          { Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt' },
        ],
      },
      ['kms:Decrypt'],
    ],
  ])('%s → missing %j', (_n, policy, missing) => {
    expect(keyPolicyMissingActions(policy, 'sns.amazonaws.com', needs)).toEqual(missing);
  });
});
