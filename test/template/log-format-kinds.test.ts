import { describe, expect, it } from 'vitest';
import {
  API_KIND_KEY,
  DOCUMENTED_VARIABLES,
  LOG_FIELDS,
  RECORD_FIELDS,
  V2_FIELDS,
  accessLogFormat,
  accessLogFormatFor,
  fieldsFor,
  v2Variable,
  type V2Kind,
} from '../../src/core/log-format.js';

/** `authorizer.claims.sub` is the documented `authorizer.claims.property` with a claim name. */
function documented(kind: V2Kind, variable: string): boolean {
  const list = DOCUMENTED_VARIABLES[kind];
  if (list.includes(variable)) return true;
  if (/^authorizer\.claims\.[A-Za-z0-9_:-]+$/.test(variable)) return list.includes('authorizer.claims.property');
  return false;
}

describe('the field list per API kind', () => {
  it.each(['HTTP', 'WEBSOCKET'] as const)('every %s variable is in AWS reference list for that kind', (kind) => {
    const bad = fieldsFor(kind).filter((x) => !documented(kind, x.variable)).map((x) => `${x.key}=${x.variable}`);
    expect(bad).toEqual([]);
  });

  it('says for every REST column what HTTP and WebSocket APIs fill it with', () => {
    for (const field of LOG_FIELDS) for (const kind of ['HTTP', 'WEBSOCKET'] as const) expect(() => v2Variable(field, kind)).not.toThrow();
  });

  it('keeps the REST format as it was and leaves REST-only columns out of the v2 formats', () => {
    expect(accessLogFormatFor('REST')).toBe(accessLogFormat());
    for (const kind of ['HTTP', 'WEBSOCKET'] as const) {
      const keys = fieldsFor(kind).map((x) => x.key);
      expect(keys).not.toContain('wafResponseCode');
      expect(keys).not.toContain('webaclArn');
      expect(keys).not.toContain('resourcePath');
    }
    expect(fieldsFor('HTTP').map((x) => x.key)).not.toContain('identityApiKeyId');
    expect(fieldsFor('WEBSOCKET').map((x) => x.key)).toEqual(expect.arrayContaining(['connectionId', 'eventType', 'messageId', 'connectedAt']));
  });

  it.each(['HTTP', 'WEBSOCKET'] as const)('the %s format is one JSON line that starts with its kind and names $context.requestId', (kind) => {
    const format = accessLogFormatFor(kind);
    expect(format).not.toContain('\n');
    expect(format.startsWith(`{"${API_KIND_KEY}":"${kind}",`)).toBe(true);
    expect(format).toContain('$context.requestId');
    // Every value substituted with a plain word parses as JSON with the kind's keys.
    const parsed = JSON.parse(format.replace(/"\$context\.[A-Za-z0-9_.]+"/g, '"x"').replace(/\$context\.[A-Za-z0-9_.]+/g, '"x"')) as Record<string, string>;
    expect(Object.keys(parsed)).toEqual([API_KIND_KEY, ...fieldsFor(kind).map((x) => x.key)]);
  });

  it('gives the table a column for every v2-only field, after the REST ones', () => {
    const keys = RECORD_FIELDS.map((x) => x.key);
    expect(keys.slice(-V2_FIELDS.length)).toEqual(V2_FIELDS.map((x) => x.key));
    expect(new Set(keys).size).toBe(keys.length);
  });
});
