/**
 * The access-log format module: the one definition the CLI applies to stages and the template
 * and Lambda are derived from. Checked against the AWS sample's 46 fields, written out here
 * independently of the module (seed-sample.md §5).
 */
import { describe, expect, it } from 'vitest';
import { ENRICHMENT_FIELDS, FORMAT_MAX_BYTES, LOG_FIELDS, NUMERIC_KEYS, RECORD_FIELDS, accessLogFormat } from '../../src/core/log-format.js';

/** The AWS sample's format: key → `$context` variable, in order. */
const SAMPLE_FIELDS: ReadonlyArray<[string, string]> = [
  ['apiId', 'apiId'],
  ['stage', 'stage'],
  ['requestId', 'requestId'],
  ['ip', 'identity.sourceIp'],
  ['requestTime', 'requestTime'],
  ['httpMethod', 'httpMethod'],
  ['routeKey', 'routeKey'],
  ['status', 'status'],
  ['protocol', 'protocol'],
  ['responseLength', 'responseLength'],
  ['accountId', 'accountId'],
  ['authorizerClaimsProperty', 'authorizer.claims.property'],
  ['authorizerPrincipalId', 'authorizer.principalId'],
  ['authorizerProperty', 'authorizer.property'],
  ['domainName', 'domainName'],
  ['domainPrefix', 'domainPrefix'],
  ['errorMessage', 'error.message'],
  ['errorResponseType', 'error.responseType'],
  ['identityAccountId', 'identity.accountId'],
  ['identityApiKeyId', 'identity.apiKeyId'],
  ['identityCaller', 'identity.caller'],
  ['identityCognitoAuthenticationProvider', 'identity.cognitoAuthenticationProvider'],
  ['identityCognitoAuthenticationType', 'identity.cognitoAuthenticationType'],
  ['identityCognitoIdentityId', 'identity.cognitoIdentityId'],
  ['identityCognitoIdentityPoolId', 'identity.cognitoIdentityPoolId'],
  ['identityPrincipalOrgId', 'identity.principalOrgId'],
  ['identityUser', 'identity.user'],
  ['identityUserAgent', 'identity.userAgent'],
  ['identityUserArn', 'identity.userArn'],
  ['path', 'path'],
  ['resourcePath', 'resourcePath'],
  ['wafResponseCode', 'wafResponseCode'],
  ['webaclArn', 'webaclArn'],
  ['sub', 'authorizer.claims.sub'],
  ['clientId', 'authorizer.claims.iss'],
  ['aud', 'authorizer.claims.aud'],
  ['authorizeError', 'authorize.error'],
  ['authorizeLatency', 'authorize.latency'],
  ['authorizeStatus', 'authorize.status'],
  ['authorizerError', 'authorizer.error'],
  ['authorizerIntegrationLatency', 'authorizer.integrationLatency'],
  ['authorizerIntegrationStatus', 'authorizer.integrationStatus'],
  ['authorizerLatency', 'authorizer.latency'],
  ['authorizerStatus', 'authorizer.status'],
  ['integrationLatency', 'integration.latency'],
  ['responseLatency', 'responseLatency'],
];

const format = accessLogFormat();

describe('access-log format', () => {
  it('fits API Gateway limit of 3,072 bytes', () => {
    expect(FORMAT_MAX_BYTES).toBe(3072);
    expect(Buffer.byteLength(format, 'utf8')).toBeLessThanOrEqual(FORMAT_MAX_BYTES);
  });

  it('is one line that ends in a newline (one record per line in S3)', () => {
    expect(format.endsWith('\n')).toBe(true);
    expect(format.indexOf('\n')).toBe(format.length - 1);
    expect(format).not.toContain('\r');
  });

  it('contains the 46 fields of the sample exactly, names and $context variables, in order (the error message through its quoted variant)', () => {
    expect(SAMPLE_FIELDS).toHaveLength(46);
    // The one substitution: $context.error.messageString is "the quoted value of $context.error.message".
    const ours = (variable: string) => (variable === 'error.message' ? 'error.messageString' : variable);
    const sample = LOG_FIELDS.filter((f) => f.origin === 'sample').map((f) => [f.key, f.variable]);
    expect(sample).toEqual(SAMPLE_FIELDS.map(([k, v]) => [k, ours(v)]));
    expect(LOG_FIELDS.slice(0, 46).map((f) => [f.key, f.variable])).toEqual(SAMPLE_FIELDS.map(([k, v]) => [k, ours(v)]));
    expect(LOG_FIELDS.filter((f) => f.quoted).map((f) => f.variable)).toEqual(['error.messageString']);
  });

  it('quotes every value (API Gateway quotes messageString itself), so an empty value ("-") never breaks the JSON', () => {
    // As API Gateway fills it for a request without an error: messageString is "-" with its quotes.
    const parsed = JSON.parse(format.replace('$context.error.messageString', '"-"')) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(LOG_FIELDS.map((f) => f.key));
    for (const f of LOG_FIELDS.filter((x) => !x.quoted)) expect([f.key, parsed[f.key]]).toEqual([f.key, `$context.${f.variable}`]);
    // Textually too: every other variable sits between quotes.
    expect(format.match(/\$context\./g)).toHaveLength(LOG_FIELDS.length);
    expect(format.match(/"\$context\.[A-Za-z_.]+"/g)).toHaveLength(LOG_FIELDS.length - 1);
    for (const f of LOG_FIELDS) expect(format).toContain(f.quoted ? `"${f.key}":$context.${f.variable},` : `"${f.key}":"$context.${f.variable}"`);
  });

  it('includes requestId (API Gateway requires it) and requestTimeEpoch, with unique keys', () => {
    expect(format).toContain('$context.requestId"');
    expect(format).toContain('"requestTimeEpoch":"$context.requestTimeEpoch"');
    const keys = RECORD_FIELDS.map((f) => f.key.toLowerCase());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('types the numbers (status, lengths, latencies, epoch) and nothing else', () => {
    expect([...NUMERIC_KEYS].sort()).toEqual(
      [
        'status',
        'responseLength',
        'authorizeLatency',
        'authorizeStatus',
        'authorizerIntegrationLatency',
        'authorizerIntegrationStatus',
        'authorizerLatency',
        'authorizerStatus',
        'integrationLatency',
        'responseLatency',
        'requestTimeEpoch',
        'connectedAt',
        'integrationStatus',
      ].sort(),
    );
    expect(ENRICHMENT_FIELDS.map((f) => f.key)).toEqual(['usagePlanId', 'usagePlanName', 'apiKeyName', 'customerId']);
  });
});
