import { expect, it } from 'vitest';
import {
  appendStatement,
  coversAction,
  coversWholeService,
  coversWholeFamily,
  deniesEveryActionOf,
  ipRangesNarrow,
  isPublicAllow,
  isScopingDeny,
  isSecureTransportDeny,
  parseCidr,
  publicStatementIndexes,
  scopingDeniesOf,
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
import { InputError } from '@fixbridge/core';
import { snsBlockPublicAccess } from '../../packages/core/src/remediations/sns-block-public-access';
import { snsDenyHttpSubscriptions } from '../../packages/core/src/remediations/sns-deny-http-subscriptions';
import { snsRequireTls } from '../../packages/core/src/remediations/sns-require-tls';
import { sqsBlockPublicAccess } from '../../packages/core/src/remediations/sqs-block-public-access';
import { sqsRequireTls } from '../../packages/core/src/remediations/sqs-require-tls';
import { hostileVariants, INTERNAL_ERROR } from '../support/hostile';
import { offline } from '../support/projects';
import { queueState, SETTINGS, topicState } from '../support/states';

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
    // Issue 8, item 2: keys that describe the resource, not the caller.
    ['aws:ResourceAccount = the owner (always true for the owner’s resource)', { ...base, Condition: { StringEquals: { 'aws:ResourceAccount': '123456789012' } } }, true],
    ['aws:ResourceOrgID', { ...base, Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-abcdefghij' } } }, true],
    ['aws:ResourceOrgPaths', { ...base, Condition: { 'ForAnyValue:StringLike': { 'aws:ResourceOrgPaths': 'o-abcdefghij/*' } } }, true],
    // Item 3: IP ranges whose union is a whole address family.
    ['IpAddress ::/0', { ...base, Condition: { IpAddress: { 'aws:SourceIp': '::/0' } } }, true],
    ['IpAddress 0.0.0.0/1 + 128.0.0.0/1 (all of IPv4)', { ...base, Condition: { IpAddress: { 'aws:SourceIp': ['0.0.0.0/1', '128.0.0.0/1'] } } }, true],
    ['IpAddress four /2 blocks (all of IPv4)', { ...base, Condition: { IpAddress: { 'aws:SourceIp': ['192.0.0.0/2', '0.0.0.0/2', '128.0.0.0/2', '64.0.0.0/2'] } } }, true],
    ['IpAddress ::/1 + 8000::/1 (all of IPv6)', { ...base, Condition: { IpAddress: { 'aws:SourceIp': ['8000::/1', '::/1'] } } }, true],
    ['IpAddress overlapping blocks that reach every IPv4 address', { ...base, Condition: { IpAddress: { 'aws:SourceIp': ['0.0.0.0/1', '100.0.0.0/6', '120.0.0.0/5', '128.0.0.0/1'] } } }, true],
    ['IpAddress a value that is not an address', { ...base, Condition: { IpAddress: { 'aws:SourceIp': 'anywhere' } } }, true],
    ['IpAddress the private ranges (wide, but private only)', { ...base, Condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } } }, false],
    ['IpAddress 0.0.0.0/1 + 128.0.0.0/2 (a quarter of IPv4 left out)', { ...base, Condition: { IpAddress: { 'aws:SourceIp': ['0.0.0.0/1', '128.0.0.0/2'] } } }, false],
    ['IpAddress one IPv6 block', { ...base, Condition: { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } } }, false],
    // Item 4: names unique only within an account.
    ['aws:username (any account can create a user named so)', { ...base, Condition: { StringEquals: { 'aws:username': 'deploy' } } }, true],
    ['aws:userid pattern naming no account or unique id', { ...base, Condition: { StringLike: { 'aws:userid': '*:alice@example.com' } } }, true],
    ['aws:userid wildcard unique-id prefix', { ...base, Condition: { StringLike: { 'aws:userid': 'AROA*' } } }, true],
    ['aws:userid a role’s unique id, any session', { ...base, Condition: { StringLike: { 'aws:userid': 'AROAEXAMPLEROLEID0001:*' } } }, false],
    ['aws:userid an IAM user’s unique id', { ...base, Condition: { StringEquals: { 'aws:userid': 'AIDAEXAMPLEUSERID0001' } } }, false],
    ['aws:userid the account (its root user)', { ...base, Condition: { StringEquals: { 'aws:userid': '123456789012' } } }, false],
    // Item 6: S3 bucket ARNs carry no account, but bucket names are global.
    // The S3 event-notification form, https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html
    ['ArnLike aws:SourceArn arn:aws:s3:*:*:<bucket> (S3 notifications)', { ...base, Principal: { AWS: '*' }, Action: 'SQS:SendMessage', Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:*:*:photo-uploads' } } }, false],
    ['ArnEquals aws:SourceArn arn:aws:s3:::<bucket>', { ...base, Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::photo-uploads' } } }, false],
    ['ArnLike aws:SourceArn arn:aws:s3:*:*:* (any bucket)', { ...base, Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:*:*:*' } } }, true],
    ['ArnLike aws:SourceArn a bucket-name prefix (anyone may create such a bucket)', { ...base, Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::photo-*' } } }, true],
    ['ArnLike aws:SourceArn an EventBridge rule ARN of one account', { ...base, Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:events:*:123456789012:rule/*' } } }, false],
  ])('%s → %s', (_name, stmt, expected) => {
    expect(isPublicAllow(stmt)).toBe(expected);
  });

  it('lists the scoping keys it found', () => {
    expect(scopingConditionKeys({ Effect: 'Allow', Condition: { StringEquals: { 'aws:SourceAccount': '1', 'sqs:x': 'y' } } })).toEqual(['aws:SourceAccount']);
  });
});

offline('IP ranges', () => {
  it('parses IPv4 and IPv6 addresses and blocks, masking host bits', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({ family: 4, start: 10n << 24n, end: (11n << 24n) - 1n });
    expect(parseCidr('192.0.2.1')).toEqual({ family: 4, start: 0xc0000201n, end: 0xc0000201n });
    expect(parseCidr('2001:db8::/32')).toMatchObject({ family: 6, start: 0x20010db8n << 96n });
    expect(parseCidr('::ffff:10.0.0.1')).toMatchObject({ family: 6, start: (0xffffn << 32n) | 0x0a000001n });
    for (const bad of ['', '10.0.0.256/8', '10.0.0.0/33', '::/129', '1:2:3', '1::2::3', 'x/8', '10.0.0.0/8/8']) expect(parseCidr(bad), bad).toBeUndefined();
  });
  it('knows when blocks cover a whole family, however they are cut', () => {
    const r = (...cidrs: string[]) => cidrs.map((c) => parseCidr(c)!);
    expect(coversWholeFamily(r('0.0.0.0/0'), 4)).toBe(true);
    expect(coversWholeFamily(r('128.0.0.0/1', '0.0.0.0/1'), 4)).toBe(true);
    expect(coversWholeFamily(r('0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3', '224.0.0.0/3'), 4)).toBe(true);
    expect(coversWholeFamily(r('0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3', '224.0.0.0/4'), 4)).toBe(false);
    expect(coversWholeFamily(r('0.0.0.0/0'), 6)).toBe(false);
    expect(coversWholeFamily(r('::/0'), 6)).toBe(true);
    expect(ipRangesNarrow(['10.0.0.0/8'])).toBe(true);
    expect(ipRangesNarrow(['10.0.0.0/8', '::/0'])).toBe(false);
    expect(ipRangesNarrow([])).toBe(false);
    expect(ipRangesNarrow([8])).toBe(false);
  });
});

offline('Deny statements that scope an Allow to everyone', () => {
  const open: Statement = { Sid: 'Open', Effect: 'Allow', Principal: '*', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'], Resource: ARN };
  const orgDeny: Statement = { Sid: 'OnlyOrg', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: ARN, Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } };
  const policy = (...statements: Statement[]): PolicyDocument => ({ Version: '2012-10-17', Statement: statements });

  it.each<[string, Statement, boolean]>([
    ['StringNotEquals aws:PrincipalOrgID', orgDeny, true],
    ['StringNotEqualsIfExists aws:PrincipalAccount', { ...orgDeny, Condition: { StringNotEqualsIfExists: { 'aws:PrincipalAccount': '123456789012' } } }, true],
    // "Deny access if it isn't from a VPC endpoint", https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-creating-custom-policies-access-policy-examples.html
    ['StringNotEquals aws:sourceVpce (the SQS guide’s VPC-endpoint example)', { ...orgDeny, Condition: { StringNotEquals: { 'aws:sourceVpce': 'vpce-1a2b3c4d' } } }, true],
    ['NotIpAddress a private range', { ...orgDeny, Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }, true],
    ['two negated scopes in one block (spares callers of either)', { ...orgDeny, Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij', 'aws:SourceVpce': 'vpce-1a2b3c4d' } } }, true],
    ['no condition (denies everyone)', { ...orgDeny, Condition: undefined }, true],
    ['a positive operator (denies only the org)', { ...orgDeny, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } }, false],
    ['an extra condition that narrows the Deny (HTTP only)', { ...orgDeny, Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' }, Bool: { 'aws:SecureTransport': 'false' } } }, false],
    ['the data-perimeter exception for AWS services (spares services acting for anyone)', { ...orgDeny, Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abcdefghij' }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } } }, false],
    ['a negated operator on a key that scopes nothing', { ...orgDeny, Condition: { StringNotEquals: { 'aws:ResourceAccount': '123456789012' } } }, false],
    ['a wildcard value naming no org', { ...orgDeny, Condition: { StringNotLike: { 'aws:PrincipalOrgID': 'o-*' } } }, false],
    ['NotIpAddress 0.0.0.0/0 (denies no IPv4 caller)', { ...orgDeny, Condition: { NotIpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } }, false],
    ['a named principal only', { ...orgDeny, Principal: { AWS: 'arn:aws:iam::111122223333:root' } }, false],
    ['NotPrincipal', { ...orgDeny, Principal: undefined, NotPrincipal: { AWS: 'arn:aws:iam::123456789012:root' } }, false],
    ['an Allow', { ...orgDeny, Effect: 'Allow' }, false],
  ])('isScopingDeny: %s → %s', (_n, stmt, expected) => {
    expect(isScopingDeny(stmt)).toBe(expected);
  });

  it.each<[string, Partial<Statement>, Partial<Statement>, boolean]>([
    ['sqs:* covers the granted actions', { Action: 'sqs:*' }, { Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'] }, true],
    ['"*" covers a NotAction grant', { Action: '*' }, { NotAction: 'sqs:DeleteQueue' }, true],
    ['sqs:* covers a NotAction grant', { Action: 'SQS:*' }, { NotAction: 'sqs:DeleteQueue' }, true],
    ['sqs:Send* covers sqs:SendMessage*', { Action: 'sqs:Send*' }, { Action: 'sqs:SendMessage*' }, true],
    ['the same actions, other case', { Action: ['SQS:SendMessage', 'SQS:ReceiveMessage'] }, { Action: ['sqs:sendmessage', 'sqs:receivemessage'] }, true],
    ['fewer actions', { Action: 'sqs:SendMessage' }, { Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'] }, false],
    ['a narrower pattern', { Action: 'sqs:SendMessage' }, { Action: 'sqs:Send*' }, false],
    ['one action does not cover NotAction', { Action: 'sqs:SendMessage' }, { NotAction: 'sqs:DeleteQueue' }, false],
    ['NotAction deny sparing an action not granted', { NotAction: 'sqs:DeleteQueue' }, { Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'] }, true],
    ['NotAction deny sparing a granted action', { NotAction: 'sqs:ReceiveMessage' }, { Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'] }, false],
    ['NotAction deny sparing what the NotAction grant spares too', { NotAction: 'sqs:DeleteQueue' }, { NotAction: ['sqs:DeleteQueue', 'sqs:PurgeQueue'] }, true],
    ['NotAction deny sparing more than the NotAction grant', { NotAction: ['sqs:DeleteQueue', 'sqs:SendMessage'] }, { NotAction: 'sqs:DeleteQueue' }, false],
  ])('deniesEveryActionOf: %s → %s', (_n, deny, allow, expected) => {
    expect(deniesEveryActionOf({ Effect: 'Deny', ...deny }, { Effect: 'Allow', ...allow }, 'sqs')).toBe(expected);
  });

  it.each<[string, PolicyDocument, number[]]>([
    ['an Allow * alone is public', policy(open), [0]],
    ['an Allow * confined to the organization by a Deny is not', policy(open, orgDeny), []],
    ['a Deny listed first works the same', policy(orgDeny, open), []],
    ['a Deny of fewer actions leaves it public', policy(open, { ...orgDeny, Action: 'sqs:SendMessage' }), [0]],
    ['a Deny of another queue leaves it public', policy(open, { ...orgDeny, Resource: `${ARN}-other` }), [0]],
    ['a Deny with Resource "*" counts', policy(open, { ...orgDeny, Resource: '*' }), []],
    ['a Deny narrowed by another condition leaves it public', policy(open, { ...orgDeny, Condition: { ...orgDeny.Condition, Bool: { 'aws:SecureTransport': 'false' } } }), [0]],
    ['an Allow * for another queue is not this queue’s business', policy({ ...open, Resource: `${ARN}-other` }), []],
  ])('publicStatementIndexes: %s', (_n, doc, expected) => {
    expect(publicStatementIndexes(doc, ARN)).toEqual(expected);
  });

  it('names the Deny statements that confine an Allow', () => {
    expect(scopingDeniesOf(policy(open, orgDeny), open, ARN).map((s) => s.Sid)).toEqual(['OnlyOrg']);
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

// Issue 8, item 18: a policy with a wrong JSON type anywhere is an InputError when read, or evaluated
// without an internal error by every remediation that reads policies.
offline('hostile policies', () => {
  const doc = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Open', Effect: 'Allow', Principal: { AWS: ['*'] }, Action: ['sqs:SendMessage'], Resource: ARN, Condition: { ArnLike: { 'aws:SourceArn': ['arn:aws:s3:*:*:*'] }, IpAddress: { 'aws:SourceIp': ['10.0.0.0/8'] } } },
      { Sid: 'Org', Effect: 'Deny', Principal: '*', NotAction: ['sqs:GetQueueUrl'], Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } },
      { Sid: 'Tls', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: ARN, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ],
  };
  const remediations = [sqsBlockPublicAccess, sqsRequireTls] as const;
  const topicRemediations = [snsBlockPublicAccess, snsRequireTls, snsDenyHttpSubscriptions] as const;

  it('is read as an InputError or evaluated without an internal error', () => {
    const problems: string[] = [];
    for (const { path, value, doc: hostile } of hostileVariants(doc)) {
      const text = JSON.stringify(hostile);
      const where = `${path}=${JSON.stringify(value)}`;
      let queue, topic;
      try {
        queue = queueState({ Policy: text });
        topic = topicState(null, { Policy: text });
      } catch (err) {
        if (!(err instanceof InputError)) problems.push(`${where}: read: ${String(err)}`);
        continue;
      }
      for (const r of remediations) {
        try {
          const a = r.evaluate({ queue }, {}, SETTINGS);
          if (INTERNAL_ERROR.test(a.reason)) problems.push(`${where}: ${r.id}: ${a.reason}`);
        } catch (err) {
          problems.push(`${where}: ${r.id}: ${String(err)}`);
        }
      }
      for (const r of topicRemediations) {
        try {
          const a = r.evaluate({ topic } as never, {}, SETTINGS);
          if (INTERNAL_ERROR.test(a.reason)) problems.push(`${where}: ${r.id}: ${a.reason}`);
        } catch (err) {
          problems.push(`${where}: ${r.id}: ${String(err)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
