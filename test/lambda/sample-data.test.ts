/** The seeded generator of raw access-log records the Lambda tests, the bench and the report use. */
import { describe, expect, it } from 'vitest';
import { LOG_FIELDS, NUMERIC_KEYS } from '../../src/core/log-format.js';
import {
  SAMPLE_API_KEYS,
  SAMPLE_USAGE_PLANS,
  clfTime,
  firehoseTransformationEvent,
  formatAccessLogLine,
  generateAccessLogLines,
  generateAccessLogRecords,
} from '../../scripts/sample-data.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const parseClf = (s: string): number => {
  const m = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) \+0000$/.exec(s);
  if (!m) throw new Error(`not CLF: ${s}`);
  return Date.UTC(Number(m[3]), MONTHS.indexOf(m[2] as string), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
};

describe('sample access-log records', () => {
  const records = generateAccessLogRecords({ count: 3000, seed: 11 });

  it('is deterministic per seed and differs between seeds', () => {
    expect(generateAccessLogLines({ count: 50, seed: 3 })).toEqual(generateAccessLogLines({ count: 50, seed: 3 }));
    expect(generateAccessLogLines({ count: 50, seed: 3 })).not.toEqual(generateAccessLogLines({ count: 50, seed: 4 }));
  });

  it('has every format key, every value a string, "-" for empty', () => {
    for (const r of records) {
      expect(Object.keys(r)).toEqual(LOG_FIELDS.map((f) => f.key));
      for (const v of Object.values(r)) expect(typeof v === 'string' && v.length > 0).toBe(true);
      expect(r.routeKey).toBe('-');
      for (const k of NUMERIC_KEYS) if (k in r && r[k] !== '-') expect(r[k]).toMatch(/^\d+$/);
    }
  });

  it('writes lines exactly as API Gateway does with our format: values as they are (invalid JSON when one holds a quote), newline-terminated', () => {
    let invalid = 0;
    for (const r of records.slice(0, 500)) {
      const line = formatAccessLogLine(r);
      expect(line.endsWith('}\n')).toBe(true);
      expect(line).toContain(`"errorMessage":${JSON.stringify(r.errorMessage)},`);
      const hasQuote = Object.entries(r).some(([k, v]) => k !== 'errorMessage' && /["\\]/.test(v));
      if (hasQuote) invalid++;
      else expect(JSON.parse(line)).toEqual(r);
    }
    // The data set does carry the user agents that break JSON, as real traffic does.
    expect(invalid).toBeGreaterThan(0);
  });

  it('keeps requestTime (CLF, UTC) consistent with requestTimeEpoch, in time order', () => {
    let previous = 0;
    for (const r of records) {
      const epoch = Number(r.requestTimeEpoch);
      expect(parseClf(r.requestTime as string)).toBe(Math.floor(epoch / 1000) * 1000);
      expect(epoch).toBeGreaterThanOrEqual(previous);
      previous = epoch;
    }
    expect(clfTime(Date.UTC(2024, 1, 29, 23, 5, 9, 999))).toBe('29/Feb/2024:23:05:09 +0000');
  });

  it('covers the gateway responses the dashboard shows, with their messages', () => {
    const seen = new Set(records.map((r) => `${r.status} ${r.errorResponseType} ${r.errorMessage}`));
    for (const expected of [
      '429 QUOTA_EXCEEDED Limit Exceeded',
      '429 THROTTLED Too Many Requests',
      '401 UNAUTHORIZED Unauthorized',
      '403 WAF_FILTERED Forbidden',
      '403 MISSING_AUTHENTICATION_TOKEN Missing Authentication Token',
      '504 INTEGRATION_TIMEOUT Endpoint request timed out',
    ])
      expect(seen).toContain(expected);
    const types = new Set(records.map((r) => r.errorResponseType));
    for (const t of ['ACCESS_DENIED', 'INVALID_SIGNATURE', 'INTEGRATION_FAILURE']) expect(types).toContain(t);
    const statuses = records.map((r) => Number(r.status));
    const share = (f: (s: number) => boolean): number => statuses.filter(f).length / statuses.length;
    expect(share((s) => s < 400)).toBeGreaterThan(0.75);
    expect(share((s) => s >= 400 && s < 500)).toBeGreaterThan(0.05);
    expect(share((s) => s >= 500)).toBeGreaterThan(0.01);
    expect(records.filter((r) => r.wafResponseCode === 'WAF_BLOCK').every((r) => r.status === '403' && r.webaclArn !== '-')).toBe(true);
  });

  it('has several APIs, stages, domains, route templates, callers and awkward user agents', () => {
    const distinct = (k: string): number => new Set(records.map((r) => r[k])).size;
    expect(distinct('apiId')).toBe(3);
    expect(distinct('stage')).toBeGreaterThanOrEqual(4);
    expect(distinct('domainName')).toBeGreaterThanOrEqual(4);
    expect(records.some((r) => r.resourcePath?.includes('{'))).toBe(true);
    expect(records.filter((r) => r.resourcePath !== '-').every((r) => r.path !== r.resourcePath || !r.resourcePath?.includes('{'))).toBe(true);
    expect(records.some((r) => r.sub !== '-' && r.clientId?.startsWith('https://cognito-idp.'))).toBe(true);
    expect(records.some((r) => r.identityUserArn?.startsWith('arn:aws:sts::'))).toBe(true);
    expect(records.some((r) => r.identityCognitoIdentityId !== '-')).toBe(true);
    expect(records.some((r) => r.authorizerPrincipalId !== '-')).toBe(true);
    const agents = records.map((r) => r.identityUserAgent as string);
    expect(agents.some((a) => a.includes('"') && a.includes('\\'))).toBe(true);
    expect(agents.some((a) => [...a].some((ch) => ch.charCodeAt(0) > 0x7f))).toBe(true);
    expect(records.some((r) => r.ip?.includes(':'))).toBe(true);
  });

  it('uses API keys that the sample catalog resolves, on stages their plans cover', () => {
    const keyed = records.filter((r) => r.identityApiKeyId !== '-');
    expect(keyed.length).toBeGreaterThan(300);
    const known = keyed.filter((r) => SAMPLE_API_KEYS.some((k) => k.id === r.identityApiKeyId));
    expect(known.length / keyed.length).toBeGreaterThan(0.9);
    const covered = known.filter((r) => SAMPLE_USAGE_PLANS.some((p) => p.keyIds.includes(r.identityApiKeyId as string) && p.apiStages.some((s) => s.apiId === r.apiId && s.stage === r.stage)));
    expect(covered.length).toBeGreaterThan(0);
  });

  it('wraps records into a Firehose transformation event with unique ids and base64 data', () => {
    const lines = generateAccessLogLines({ count: 20 });
    const event = firehoseTransformationEvent([...lines, Buffer.from([0xff]), records[0] as Record<string, string>], { streamName: 'amazon-apigateway-x' });
    expect(event.deliveryStreamArn).toBe('arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-x');
    expect(new Set(event.records.map((r) => r.recordId)).size).toBe(22);
    expect(Buffer.from(event.records[3]?.data as string, 'base64').toString('utf8')).toBe(lines[3]);
    expect(Buffer.from(event.records[20]?.data as string, 'base64')).toEqual(Buffer.from([0xff]));
    expect(Buffer.from(event.records[21]?.data as string, 'base64').toString('utf8')).toBe(formatAccessLogLine(records[0] as Record<string, string>));
  });
});
