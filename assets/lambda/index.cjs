/*
 * apigw-log-analytics enrichment function: the Firehose transformation for API Gateway REST access logs.
 *
 * How it ships: inline, as the template's Code.ZipFile. CloudFormation writes it to index.js and
 * zips it, so a deploy needs no artifact bucket and no upload, and the code a user reads in the
 * template is the code that runs. Inline code is CommonJS (a .js file without a package.json),
 * which is why this file is CommonJS and named .cjs in the repository (whose package.json says
 * "type": "module"): tests and the bench load it exactly as Lambda does. It requires only Node
 * built-ins and the AWS SDK v3 that the Node.js runtime ships (@aws-sdk/client-api-gateway);
 * nothing is bundled.
 *
 * Per record: base64-decode, check UTF-8, JSON.parse. API Gateway does not escape "$context" values
 * (a `"` or `\` in a user agent or path makes the line invalid JSON: DataBiosphere/azul#4348), so
 * a line that does not parse is read again from the format's known key order (recoverLine); only
 * a line that is not in our format at all comes back ProcessingFailed (Firehose writes it under
 * errors/processing-failed/). "-" (API Gateway's empty value) becomes null; int and bigint fields
 * (LOG_FIELDS, generated from src/core/log-format.ts) become numbers, or null when a value is not
 * an integer in the Glue column's range; keyed requests get usagePlanId, usagePlanName, apiKeyName
 * and customerId. Each output is one JSON line ending in "\n"; every recordId comes back exactly
 * once; one bad record never fails the batch, and the response never exceeds Lambda's 6 MB limit
 * (fitResponse).
 *
 * Lookups (KeyDirectory): only the API keys seen in the batch are resolved, each with GetApiKey
 * (includeValue false: key values are never requested) and GetUsagePlans?keyId, paced by a token
 * bucket well under API Gateway's account budget, cached (deleted keys too), served stale while a
 * refresh runs, and waited for no longer than the invocation's remaining time allows. Every call
 * carries an AbortSignal that really ends it. Records whose key is not resolved in time go out Ok
 * with null enrichment; the lookup goes on and serves the next batches. Nothing from a payload is
 * ever logged.
 */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS by necessity (see above) */

const { isUtf8 } = require('node:buffer');
const { gunzipSync, gzipSync } = require('node:zlib');

const OK = 'Ok';
const FAILED = 'ProcessingFailed';
const DROPPED = 'Dropped';

/**
 * Enrichment strings are cut to this many UTF-16 units. API key names are at most 1,024
 * characters (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html);
 * AWS documents no maximum for usage-plan names or customerId, so the same cap bounds them.
 */
const ENRICHMENT_MAX_CHARS = 1024;
/**
 * Lambda rejects a synchronous response over 6 MB (Lambda quotas: "Invocation payload (request and
 * response): 6 MB each"), which would fail the whole batch. The response is kept under this many
 * bytes (6 MB read as 6,000,000, less a margin for the envelope).
 */
const RESPONSE_MAX_BYTES = 5_900_000;
/**
 * CloudWatch Logs subscription records (HTTP and WebSocket stages, through the bridge) are gzip
 * (base64 "H4sI..."): a DATA_MESSAGE envelope of many log events, or a CONTROL_MESSAGE
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html). Access-log
 * JSON compresses about 12x (npm run bench -- lambda), so one 2 MB batch of envelopes can unpack
 * to far more than a response holds: envelopes that do not fit go back into the stream as smaller
 * envelopes of at most REINGEST_ENVELOPE_BYTES of JSON each (one always fits a response), and
 * their record is Dropped only once Firehose has accepted every part.
 */
const GZIP_BASE64 = 'H4sI';
const REINGEST_ENVELOPE_BYTES = 900_000;
/** PutRecordBatch takes at most 500 records and 4 MiB per call (Firehose quotas). */
const PUT_BATCH_RECORDS = 500;
const PUT_BATCH_BYTES = 3_500_000;
/** A decompressed envelope larger than this is not ours (a gzip bomb): it goes to errors/ as it came. */
const ENVELOPE_MAX_BYTES = 256 * 1024 * 1024;
const API_KINDS = ['REST', 'HTTP', 'WEBSOCKET'];
/**
 * A log event of the access-log group that is not one of our lines goes back into the stream as
 * this text plus the message: never JSON, so the next invocation returns it ProcessingFailed and
 * Firehose keeps it under errors/processing-failed/, saying where it came from.
 */
const STRAY_PREFIX = 'apigw-log-analytics: not an access log line of this installation (CloudWatch Logs event): ';
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

// Defaults of the lookup machinery (each overridable by an option or the environment).
const DEFAULTS = {
  ttlMs: 300_000,
  retryMs: 30_000,
  /** Stop waiting for lookups this long before the function would time out. */
  marginMs: 10_000,
  /** Never hold a batch longer than this for lookups, however long the function may run. */
  maxWaitMs: 60_000,
  /** Each API call is aborted after this long (connection, request and answer together). */
  callTimeoutMs: 5_000,
  /**
   * API Gateway allows 10 control-plane requests per second per account, burst 40, shared with
   * deployments and the CLI ("API Gateway quotas for configuring and running a REST API",
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html). A container spends
   * at most 3 per second, burst 6: a batch's 40 new keys (80 calls) resolve in about 25 s, and
   * the account keeps most of its budget.
   */
  ratePerSecond: 3,
  burst: 6,
  /** Attempts per lookup call when API Gateway throttles (429) or the call times out. */
  attempts: 3,
  maxEntries: 50_000,
};

// ---------------------------------------------------------------------------------------------
// Fields

/**
 * LOG_FIELDS: the format's keys in order, comma-separated; `key:int` and `key:bigint` for numeric
 * columns, `key:json` for a value API Gateway writes already quoted ($context.error.messageString).
 */
function parseFieldSpec(spec) {
  return (spec || '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0)
    .map((token) => {
      const [key, ...flags] = token.split(':');
      return { key, type: flags.includes('int') ? 'int' : flags.includes('bigint') ? 'bigint' : 'string', json: flags.includes('json') };
    })
    .map((field, i, all) => {
      // The texts around each value, computed once: `{"key":"` / `","next":"` (no quote by a json value).
      const next = all[i + 1];
      return {
        ...field,
        head: separator(field, i === 0),
        tail: next === undefined ? (field.json ? '}' : '"}') : (field.json ? '' : '"') + separator(next, false),
      };
    });
}

function numberFromEnv(value, fallback, scale = 1) {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) && n >= 0 ? n * scale : fallback;
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** The decoded text of a record, or undefined when it is not UTF-8 text. */
function decodeText(data) {
  if (typeof data !== 'string' || data.length === 0) return undefined;
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length === 0 || !isUtf8(bytes)) return undefined;
  return bytes.toString('utf8');
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A JSON object, or undefined. */
function parseJsonObject(text) {
  try {
    const value = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** True when `raw` holds a `"` that no backslash escapes: proof the value was written unescaped. */
function hasBareQuote(raw) {
  for (let i = raw.indexOf('"'); i >= 0; i = raw.indexOf('"', i + 1)) {
    let slashes = 0;
    for (let j = i - 1; j >= 0 && raw.charCodeAt(j) === 92; j--) slashes++;
    if (slashes % 2 === 0) return true;
  }
  return false;
}

/**
 * The value between two quotes of the format. API Gateway substitutes values as they are, so a
 * value with a bare quote is literal; one whose backslashes form valid JSON escapes is read as
 * JSON (values AWS did escape); anything else is literal.
 */
function quotedValue(raw) {
  if (raw.indexOf('\\') < 0 || hasBareQuote(raw)) return raw;
  try {
    return JSON.parse(`"${raw}"`);
  } catch {
    return raw;
  }
}

/** A value API Gateway wrote already quoted (`key:json`): a JSON string, or `-`, or literal text. */
function jsonValue(raw) {
  if (raw === '-' || raw === '"-"' || raw === '') return '-';
  try {
    const v = JSON.parse(raw);
    if (typeof v === 'string') return v;
  } catch {
    // fall through
  }
  return raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
}

/** `,"key":"` (or without the opening quote of the value for a json field). */
function separator(field, first) {
  return `${first ? '' : ','}"${field.key}":${field.json ? '' : '"'}`;
}

/**
 * Reads a line of our format that JSON.parse refused, from the known key order: each value runs
 * to the first following `"<sep>` of the next key. Undefined when the line is not in the format
 * (another key order, missing keys, extra text). Ambiguous only when a value itself contains the
 * exact text that introduces the next key (`","nextKey":"`): the split then happens there.
 */
function recoverLine(text, fields) {
  if (fields.length === 0) return undefined;
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
  const closing = fields[fields.length - 1].tail;
  if (text.charCodeAt(0) !== 123 || !text.startsWith(closing, end - closing.length)) return undefined;
  // One line: API Gateway writes one per request, so a line break inside means two records or junk.
  const lineBreak = text.indexOf('\n');
  if (lineBreak >= 0 && lineBreak < end) return undefined;
  const out = {};
  let pos = 1;
  const lastIndex = fields.length - 1;
  for (let i = 0; i <= lastIndex; i++) {
    const field = fields[i];
    if (!text.startsWith(field.head, pos)) return undefined;
    pos += field.head.length;
    let stop;
    if (i < lastIndex) {
      stop = text.indexOf(field.tail, pos);
      if (stop < 0 || stop > end) return undefined;
    } else {
      stop = end - closing.length;
      if (stop < pos) return undefined;
    }
    const raw = text.slice(pos, stop);
    out[field.key] = field.json ? jsonValue(raw) : quotedValue(raw);
    pos = field.json ? stop : stop + 1;
  }
  return out;
}



/** True for an optional minus and 1 to 17 decimal digits (no spaces, signs, exponents, points). */
function isIntegerText(s) {
  const len = s.length;
  let i = len > 0 && s.charCodeAt(0) === 45 ? 1 : 0;
  if (i === len || len > 17) return false;
  for (; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** An integer that fits the column (int: 32-bit, bigint: what JSON numbers hold exactly), or null. */
function toColumnInteger(value, type) {
  let n;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && isIntegerText(value)) n = Number(value);
  else return null;
  if (!Number.isSafeInteger(n)) return null;
  if (type === 'int' && (n < INT32_MIN || n > INT32_MAX)) return null;
  return n;
}

/** "-" to null everywhere; typed fields to integers that fit their column, or null. In place. */
function normalize(record, typed) {
  for (const key in record) {
    if (record[key] === '-') record[key] = null;
  }
  for (let i = 0; i < typed.length; i++) {
    const { key, type } = typed[i];
    const value = record[key];
    if (value !== undefined && value !== null) record[key] = toColumnInteger(value, type);
  }
}
// ---------------------------------------------------------------------------------------------
// Lookups

/** A token bucket: `take()` resolves when a call may be made. */
function createPacer(ratePerSecond, burst, now, sleep) {
  let tokens = burst;
  let last = now();
  let pausedUntil = 0;
  const refill = () => {
    const t = now();
    tokens = Math.min(burst, tokens + ((t - last) / 1000) * ratePerSecond);
    last = t;
  };
  return {
    async take() {
      for (;;) {
        refill();
        const t = now();
        if (t < pausedUntil) await sleep(pausedUntil - t);
        else if (tokens >= 1) {
          tokens -= 1;
          return;
        } else await sleep(Math.ceil(((1 - tokens) / ratePerSecond) * 1000));
      }
    },
    /** After a 429: nobody calls for a while, and the bucket starts empty. */
    backOff(ms) {
      refill();
      tokens = 0;
      pausedUntil = Math.max(pausedUntil, now() + ms);
    },
  };
}

const isThrottle = (e) => Boolean(e) && (e.name === 'TooManyRequestsException' || (e.$metadata && e.$metadata.httpStatusCode === 429));
const isNotFound = (e) => Boolean(e) && (e.name === 'NotFoundException' || (e.$metadata && e.$metadata.httpStatusCode === 404));
const isTimeout = (e) => Boolean(e) && (e.name === 'AbortError' || e.name === 'TimeoutError');

function cap(value) {
  if (typeof value !== 'string') return null;
  if (value.length <= ENRICHMENT_MAX_CHARS) return value;
  let end = ENRICHMENT_MAX_CHARS;
  const code = value.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // never split a surrogate pair
  return value.slice(0, end);
}

/**
 * What the account says about API keys, one key at a time: name, customerId and the usage plans
 * that hold it. Entries live `ttlMs`, are served stale while a refresh runs, and a failed lookup
 * keeps what was there and is not retried before `retryMs`.
 */
function createKeyDirectory(o) {
  const entries = new Map();
  const pacer = createPacer(o.ratePerSecond, o.burst, o.now, o.sleep);
  const stats = { calls: 0, throttled: 0, timeouts: 0, failures: 0, resolved: 0, notFound: 0 };

  async function call(command) {
    for (let attempt = 1; ; attempt++) {
      await pacer.take();
      stats.calls++;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), o.callTimeoutMs);
      try {
        return await o.client().send(command(), { abortSignal: controller.signal });
      } catch (e) {
        if (controller.signal.aborted || isTimeout(e)) stats.timeouts++;
        else if (isThrottle(e)) {
          stats.throttled++;
          pacer.backOff(1000 * attempt);
        } else throw e;
        if (attempt >= o.attempts) throw e;
      } finally {
        clearTimeout(timer);
      }
    }
  }

  async function resolve(keyId) {
    const sdk = o.sdk();
    const key = await call(() => new sdk.GetApiKeyCommand({ apiKey: keyId, includeValue: false })).catch((e) => {
      if (isNotFound(e)) return null;
      throw e;
    });
    if (key === null) return null;
    const plans = [];
    let position;
    do {
      const page = await call(() => new sdk.GetUsagePlansCommand({ keyId, limit: 500, position }));
      for (const plan of (page && page.items) || []) {
        if (plan.id) plans.push({ id: cap(plan.id), name: cap(plan.name), stages: new Set((plan.apiStages || []).map((s) => `${s.apiId}/${s.stage}`)) });
      }
      position = page && page.position && page.position !== position ? page.position : undefined;
    } while (position);
    return { name: cap(key.name), customerId: key.customerId ? cap(key.customerId) : null, plans };
  }

  function start(keyId, entry) {
    entry.pending = resolve(keyId).then(
      (value) => {
        entry.value = value;
        entry.known = true;
        entry.loadedAt = o.now();
        if (value === null) stats.notFound++;
        else stats.resolved++;
      },
      (e) => {
        stats.failures++;
        entry.retryAt = o.now() + o.retryMs;
        entry.lastError = (e && e.name) || 'Error';
      },
    );
    entry.pending.finally(() => {
      entry.pending = null;
    });
    return entry.pending;
  }

  return {
    stats,
    /** Starts what the keys need; returns the lookups worth waiting for (keys not known yet). */
    request(keyIds) {
      const waits = [];
      const t = o.now();
      for (const keyId of keyIds) {
        let entry = entries.get(keyId);
        if (entry === undefined) {
          if (entries.size >= o.maxEntries) entries.delete(entries.keys().next().value);
          entry = { known: false, value: null, loadedAt: 0, retryAt: 0, pending: null, lastError: null };
          entries.set(keyId, entry);
        }
        const fresh = entry.known && t - entry.loadedAt < o.ttlMs;
        if (entry.pending !== null) {
          if (!entry.known) waits.push(entry.pending);
        } else if (!fresh && t >= entry.retryAt) {
          const p = start(keyId, entry);
          if (!entry.known) waits.push(p);
        }
      }
      return waits;
    },
    /** The known value for a key: an object, null (no such key), or undefined (not known). */
    get(keyId) {
      const entry = entries.get(keyId);
      return entry === undefined || !entry.known ? undefined : entry.value;
    },
  };
}

/** Sets the four enrichment fields of a keyed record from what the directory knows. In place. */
function enrich(record, info) {
  if (info === undefined || info === null) {
    record.usagePlanId = null;
    record.usagePlanName = null;
    record.apiKeyName = null;
    record.customerId = null;
    return;
  }
  const stage = `${record.apiId}/${record.stage}`;
  let plan = null;
  // A key can be in several plans, but in only one per API stage: the record's decides.
  for (let i = 0; i < info.plans.length; i++) {
    if (info.plans[i].stages.has(stage)) {
      plan = info.plans[i];
      break;
    }
  }
  record.usagePlanId = plan === null ? null : plan.id;
  record.usagePlanName = plan === null ? null : plan.name;
  record.apiKeyName = info.name;
  record.customerId = info.customerId;
}

const hasApiKey = (record) => typeof record.identityApiKeyId === 'string' && record.identityApiKeyId.length > 0;

// ---------------------------------------------------------------------------------------------
// Output

const encode = (record) => Buffer.from(`${JSON.stringify(record)}\n`, 'utf8').toString('base64');
const isNullEnrichment = (r) => r.usagePlanId === null && r.usagePlanName === null && r.apiKeyName === null && r.customerId === null;
/** Bytes of a result's `"metadata":{...}` member (its partition keys), with its separators. */
const metadataBytes = (r) => (r.metadata === undefined ? 0 : JSON.stringify(r.metadata).length + 13);
/** Bytes a result adds to the response JSON: its data, recordId, metadata and the fixed keys. */
const resultBytes = (r) => r.data.length + r.recordId.length + r.result.length + 40 + metadataBytes(r);

/**
 * Keeps the response under RESPONSE_MAX_BYTES, by construction: first the enrichment of keyed
 * records is set to null (the records stay Ok), then, if records still grew past their input
 * (only recovered lines full of characters JSON must escape can grow much), those that grew most
 * go back ProcessingFailed with their original data, which the request already carried: the
 * response is then no larger than the request, which Lambda also holds to 6 MB. Returns what it
 * had to do.
 */
function fitResponse(results, keyed, input) {
  let total = 20;
  for (let i = 0; i < results.length; i++) total += resultBytes(results[i]);
  if (total <= RESPONSE_MAX_BYTES) return { stripped: 0, returned: 0 };
  let stripped = 0;
  let returned = 0;
  for (let i = 0; i < results.length && total > RESPONSE_MAX_BYTES; i++) {
    if (keyed[i] !== 1 || results[i].result !== OK) continue;
    const record = JSON.parse(Buffer.from(results[i].data, 'base64').toString('utf8'));
    if (isNullEnrichment(record)) continue;
    const before = resultBytes(results[i]);
    enrich(record, null);
    results[i].data = encode(record);
    total += resultBytes(results[i]) - before;
    stripped++;
  }
  // The records that grew most go first, so the fewest possible leave the table.
  const original = (i) => (typeof input[i].data === 'string' ? input[i].data : '');
  const grown = [];
  for (let i = 0; i < results.length; i++) {
    const growth = results[i].data.length + metadataBytes(results[i]) - original(i).length;
    if (results[i].result === OK && growth > 0) grown.push([growth, i]);
  }
  grown.sort((a, b) => b[0] - a[0]);
  for (let j = 0; j < grown.length && total > RESPONSE_MAX_BYTES; j++) {
    const i = grown[j][1];
    const before = resultBytes(results[i]);
    results[i] = { recordId: results[i].recordId, result: FAILED, data: original(i) };
    total += resultBytes(results[i]) - before;
    returned++;
  }
  return { stripped, returned };
}

// ---------------------------------------------------------------------------------------------
// CloudWatch Logs envelopes (HTTP and WebSocket stages)

function kindFields(spec) {
  const f = parseFieldSpec(spec);
  return { fields: f, typed: f.filter((x) => x.type !== 'string') };
}

/** The kind a line says it is: its literal first key (v2 formats), else REST. */
function kindOfText(text) {
  if (!text.startsWith('{"apiKind":"')) return 'REST';
  const end = text.indexOf('"', 12);
  const kind = end > 12 ? text.slice(12, end) : '';
  return API_KINDS.includes(kind) ? kind : 'REST';
}

/** One log event's message as a row of our table, or undefined when it is not one of our lines. */
function readMessage(text, kinds, counts) {
  if (typeof text !== 'string' || text.length === 0) return undefined;
  const kind = kindOfText(text);
  const { fields, typed } = kinds[kind];
  let record = parseJsonObject(text);
  if (record === undefined) {
    record = recoverLine(text, fields);
    if (record === undefined) return undefined;
    counts.recovered++;
  } else if (record.apiKind !== kind && kind !== 'REST') return undefined;
  // A JSON line with none of our keys is someone else's.
  if (record.requestId === undefined || record.apiId === undefined) return undefined;
  // A REST line keeps no apiKind (the table reads a missing one as REST), as REST records do.
  normalize(record, typed);
  return record;
}

/**
 * A subscription record, unpacked: `{ control: true }`, or `{ rows, messages, strays }` (rows
 * parsed in event order, their messages as sent, and the messages that are not our lines);
 * undefined when it is not a CloudWatch Logs envelope (Firehose then keeps it under errors/).
 */
function readEnvelope(data, kinds, counts) {
  let doc;
  try {
    doc = JSON.parse(gunzipSync(Buffer.from(data, 'base64'), { maxOutputLength: ENVELOPE_MAX_BYTES }).toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(doc)) return undefined;
  if (doc.messageType === 'CONTROL_MESSAGE') {
    counts.control++;
    return { control: true };
  }
  if (doc.messageType !== 'DATA_MESSAGE' || !Array.isArray(doc.logEvents)) return undefined;
  counts.envelopes++;
  const rows = [];
  const messages = [];
  const strays = [];
  for (const event of doc.logEvents) {
    const message = isObject(event) ? event.message : undefined;
    const row = readMessage(message, kinds, counts);
    if (row === undefined) {
      if (typeof message === 'string' && message.length > 0) strays.push(message);
      continue;
    }
    rows.push(row);
    messages.push(message);
  }
  counts.strays += strays.length;
  return { rows, messages, strays, head: { owner: doc.owner, logGroup: doc.logGroup, logStream: doc.logStream, subscriptionFilters: doc.subscriptionFilters } };
}

/** The envelope's rows, enriched with what is known, as one Ok record of JSON lines. */
function envelopeResult(item, env, directory, counts) {
  const lines = new Array(env.rows.length);
  // One record, one set of partition keys: the envelope's first request (a subscription batch spans
  // seconds; one that crosses an hour is filed under its first request's hour).
  const first = env.rows.length > 0 ? env.rows[0].requestTimeEpoch : undefined;
  for (let k = 0; k < env.rows.length; k++) {
    const row = env.rows[k];
    if (hasApiKey(row)) {
      const info = directory.get(row.identityApiKeyId);
      if (info === undefined) counts.unresolved++;
      enrich(row, info);
    }
    lines[k] = `${JSON.stringify(row)}\n`;
  }
  env.rows = null;
  // An envelope of events that are all someone else's has no row: Dropped once they are put back.
  if (lines.length === 0) return { recordId: item.recordId, result: DROPPED, data: '' };
  return {
    recordId: item.recordId,
    result: OK,
    data: Buffer.from(lines.join(''), 'utf8').toString('base64'),
    metadata: { partitionKeys: partitionKeys(first, item.approximateArrivalTimestamp) },
  };
}

/** Messages cut into envelopes of at most REINGEST_ENVELOPE_BYTES of JSON each, gzipped. */
function splitEnvelopes(messages, head, now) {
  const out = [];
  const base = JSON.stringify({ messageType: 'DATA_MESSAGE', ...head, logEvents: [] }).length;
  let events = [];
  let size = base;
  const flush = () => {
    if (events.length === 0) return;
    out.push(gzipSync(JSON.stringify({ messageType: 'DATA_MESSAGE', ...head, logEvents: events })));
    events = [];
    size = base;
  };
  for (let k = 0; k < messages.length; k++) {
    const event = { id: `reingested-${now}-${k}`, timestamp: now, message: messages[k] };
    // As it will be written (JSON escapes every quote of the access-log line), with its comma.
    const bytes = Buffer.byteLength(JSON.stringify(event), 'utf8') + 1;
    if (size + bytes > REINGEST_ENVELOPE_BYTES && events.length > 0) flush();
    events.push(event);
    size += bytes;
  }
  flush();
  return out;
}

/**
 * Puts records into the stream with PutRecordBatch (at most 500 records and 3.5 MB a call),
 * retrying the entries Firehose refuses (FailedPutCount) with backoff. True when every record
 * was accepted.
 */
async function putRecords(client, streamName, buffers, sleep) {
  const { PutRecordBatchCommand } = require('@aws-sdk/client-firehose');
  let pending = buffers;
  for (let attempt = 0; attempt < 4 && pending.length > 0; attempt++) {
    if (attempt > 0) await sleep(200 * 2 ** attempt);
    const failed = [];
    for (let start = 0; start < pending.length; ) {
      let end = start;
      let bytes = 0;
      while (end < pending.length && end - start < PUT_BATCH_RECORDS && bytes + pending[end].length <= PUT_BATCH_BYTES) bytes += pending[end++].length;
      if (end === start) end = start + 1;
      const chunk = pending.slice(start, end);
      try {
        const out = await client.send(new PutRecordBatchCommand({ DeliveryStreamName: streamName, Records: chunk.map((Data) => ({ Data })) }));
        (out.RequestResponses || []).forEach((r, k) => {
          if (r.ErrorCode) failed.push(chunk[k]);
        });
      } catch {
        failed.push(...chunk);
      }
      start = end;
    }
    pending = failed;
  }
  return pending.length === 0;
}

/**
 * Keeps the envelopes' part of the response within RESPONSE_MAX_BYTES and puts back what is not
 * ours: biggest envelopes first, an envelope that does not fit goes back into the stream split
 * into envelopes that each fit, and its record is Dropped; the log events that are not our lines
 * go back as plain records, which the next invocation returns ProcessingFailed (errors/). When
 * Firehose does not take them, the record comes back ProcessingFailed with its original data:
 * every event stays in errors/, never lost.
 */
async function fitEnvelopes(results, envelopes, input, streamArn, getFirehose, counts, sleep) {
  const streamName = typeof streamArn === 'string' ? streamArn.slice(streamArn.lastIndexOf('/') + 1) : undefined;
  let total = 20;
  for (let i = 0; i < results.length; i++) total += resultBytes(results[i]);
  const order = [];
  for (let j = 0; j < envelopes.length; j += 2) order.push(envelopes[j]);
  order.sort((a, b) => results[b].data.length - results[a].data.length);
  const byIndex = new Map();
  for (let j = 0; j < envelopes.length; j += 2) byIndex.set(envelopes[j], envelopes[j + 1]);
  const now = Date.now();
  for (const i of order) {
    const env = byIndex.get(i);
    const tooBig = total > RESPONSE_MAX_BYTES && results[i].result === OK;
    const parts = [];
    if (tooBig) parts.push(...splitEnvelopes(env.messages, env.head, now));
    for (const s of env.strays) parts.push(Buffer.from(`${STRAY_PREFIX}${s}\n`, 'utf8'));
    if (parts.length === 0) continue;
    const before = resultBytes(results[i]);
    const ok = streamName !== undefined && (await putRecords(getFirehose(), streamName, parts, sleep));
    if (!ok) results[i] = { recordId: input[i].recordId, result: FAILED, data: input[i].data };
    else if (tooBig) results[i] = { recordId: input[i].recordId, result: DROPPED, data: '' };
    if (ok && tooBig) counts.reingested++;
    if (!ok) counts.failed++;
    total += resultBytes(results[i]) - before;
  }
}

// ---------------------------------------------------------------------------------------------
// Handler

/**
 * A record's object, "-" and numbers normalized: parsed, or recovered from the format (counted);
 * undefined when the record is not ours.
 */
function readRecord(data, fields, typed, counts) {
  try {
    const text = decodeText(data);
    if (text === undefined) return undefined;
    let record = parseJsonObject(text);
    if (record === undefined) {
      // Not JSON: a line of ours broken by an unescaped value, or not ours at all.
      record = recoverLine(text, fields);
      if (record === undefined) return undefined;
      counts.recovered++;
    }
    normalize(record, typed);
    return record;
  } catch {
    return undefined;
  }
}

/** The record returned as it came: Firehose writes it under errors/processing-failed/. */
function failedResult(item, counts) {
  counts.failed++;
  return { recordId: item.recordId, result: FAILED, data: typeof item.data === 'string' ? item.data : '' };
}

function okResult(item, record, counts) {
  try {
    return {
      recordId: item.recordId,
      result: OK,
      data: encode(record),
      metadata: { partitionKeys: partitionKeys(record.requestTimeEpoch, item.approximateArrivalTimestamp) },
    };
  } catch {
    return failedResult(item, counts);
  }
}

function realSleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits for `promises` until `ms` have passed; never rejects. */
async function waitAtMost(promises, ms, sleep) {
  if (promises.length === 0 || ms <= 0) return;
  let timer;
  const deadline = sleep === realSleep ? new Promise((resolve) => (timer = setTimeout(resolve, ms))) : sleep(ms);
  await Promise.race([Promise.allSettled(promises), deadline]);
  clearTimeout(timer);
}

/**
 * Builds a handler with its own caches. Options (all optional; the deployed handler uses the
 * environment): fieldSpec (LOG_FIELDS), ttlMs, retryMs, marginMs, maxWaitMs, callTimeoutMs,
 * ratePerSecond, burst, now, sleep, logger, client (an APIGatewayClient), clientConfig (merged
 * into the client this function builds), sdk (the @aws-sdk/client-api-gateway module).
 */
function createHandler(options = {}) {
  const env = process.env;
  const fields = parseFieldSpec(options.fieldSpec !== undefined ? options.fieldSpec : env.LOG_FIELDS);
  const typed = fields.filter((f) => f.type !== 'string');
  const v2Spec = options.v2FieldSpecs || { HTTP: env.LOG_FIELDS_HTTP, WEBSOCKET: env.LOG_FIELDS_WEBSOCKET };
  const kinds = {
    REST: { fields, typed },
    HTTP: kindFields(v2Spec.HTTP),
    WEBSOCKET: kindFields(v2Spec.WEBSOCKET),
  };
  let firehose = options.firehose;
  const getFirehose = () => {
    if (firehose === undefined) {
      const { FirehoseClient } = require('@aws-sdk/client-firehose');
      firehose = new FirehoseClient({ maxAttempts: 3, ...options.firehoseConfig });
    }
    return firehose;
  };
  const pick = (name, envName, scale) => (options[name] !== undefined ? options[name] : numberFromEnv(env[envName], DEFAULTS[name], scale));
  const now = options.now || Date.now;
  const sleep = options.sleep || realSleep;
  const logger = options.logger || console;
  const marginMs = pick('marginMs', 'LOOKUP_MARGIN_SECONDS', 1000);
  const maxWaitMs = pick('maxWaitMs', 'LOOKUP_MAX_WAIT_SECONDS', 1000);
  let sdk = options.sdk;
  let client = options.client;
  const loadSdk = () => {
    // Loaded on first use: batches without API keys never pay for the SDK.
    if (sdk === undefined) sdk = require('@aws-sdk/client-api-gateway');
    return sdk;
  };
  const getClient = () => {
    if (client === undefined) {
      // Retries are ours (paced); the handler's timeouts back up the per-call AbortSignal.
      client = new (loadSdk().APIGatewayClient)({
        maxAttempts: 1,
        requestHandler: { connectionTimeout: 2000, requestTimeout: 4000, throwOnRequestTimeout: true },
        ...options.clientConfig,
      });
    }
    return client;
  };
  const directory = createKeyDirectory({
    ttlMs: pick('ttlMs', 'CACHE_TTL_SECONDS', 1000),
    retryMs: pick('retryMs', 'CACHE_RETRY_SECONDS', 1000),
    callTimeoutMs: pick('callTimeoutMs', 'LOOKUP_CALL_TIMEOUT_SECONDS', 1000),
    ratePerSecond: pick('ratePerSecond', 'LOOKUP_RATE_PER_SECOND', 1),
    burst: pick('burst', 'LOOKUP_BURST', 1),
    attempts: DEFAULTS.attempts,
    maxEntries: DEFAULTS.maxEntries,
    now,
    sleep,
    sdk: loadSdk,
    client: getClient,
  });

  /** Starts the lookups the batch's keys need, and waits for those not known yet as long as the time allows. */
  async function lookUp(keyIds, mustWait, context) {
    const waits = directory.request(keyIds);
    if (!mustWait) return;
    const remaining = context && typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : maxWaitMs + marginMs;
    await waitAtMost(waits, Math.min(maxWaitMs, remaining - marginMs), sleep);
  }

  async function handler(event, context) {
    const input = (event && event.records) || [];
    const n = input.length;
    const results = new Array(n);
    const keyed = new Uint8Array(n);
    const keyIds = new Set();
    // Records whose key is not known yet wait for the lookups; every other one is encoded at once
    // (nothing parsed is kept alive across the batch, which keeps garbage collection cheap).
    const deferred = [];
    const counts = { recovered: 0, failed: 0, unresolved: 0, envelopes: 0, control: 0, strays: 0, reingested: 0 };
    const envelopes = [];
    for (let i = 0; i < n; i++) {
      if (typeof input[i].data === 'string' && input[i].data.startsWith(GZIP_BASE64)) {
        const env = readEnvelope(input[i].data, kinds, counts);
        if (env === undefined) results[i] = failedResult(input[i], counts);
        else if (env.control) results[i] = { recordId: input[i].recordId, result: DROPPED, data: input[i].data };
        else {
          for (const row of env.rows) if (hasApiKey(row)) keyIds.add(row.identityApiKeyId);
          envelopes.push(i, env);
        }
        continue;
      }
      const record = readRecord(input[i].data, fields, typed, counts);
      if (record === undefined) {
        results[i] = failedResult(input[i], counts);
        continue;
      }
      if (hasApiKey(record)) {
        keyed[i] = 1;
        keyIds.add(record.identityApiKeyId);
        const info = directory.get(record.identityApiKeyId);
        if (info === undefined) {
          deferred.push(i, record);
          continue;
        }
        enrich(record, info);
      }
      results[i] = okResult(input[i], record, counts);
    }

    const calls = directory.stats.calls;
    if (keyIds.size > 0) {
      try {
        const envelopeWaits = envelopes.length > 0 && [...keyIds].some((k) => directory.get(k) === undefined);
        await lookUp(keyIds, deferred.length > 0 || envelopeWaits, context);
      } catch {
        // Enrichment is optional: whatever is known is used.
      }
    }
    for (let j = 0; j < deferred.length; j += 2) {
      const i = deferred[j];
      const record = deferred[j + 1];
      const info = directory.get(record.identityApiKeyId);
      if (info === undefined) counts.unresolved++;
      enrich(record, info);
      results[i] = okResult(input[i], record, counts);
    }
    for (let j = 0; j < envelopes.length; j += 2) results[envelopes[j]] = envelopeResult(input[envelopes[j]], envelopes[j + 1], directory, counts);
    if (envelopes.length > 0) {
      await fitEnvelopes(results, envelopes, input, event && event.deliveryStreamArn, getFirehose, counts, sleep);
    }
    const fit = fitResponse(results, keyed, input);
    report(logger, { total: n, failed: counts.failed + fit.returned, recovered: counts.recovered, unresolved: counts.unresolved, fit, counts, stats: directory.stats, calls: directory.stats.calls - calls });
    return { records: results };
  }
  handler.stats = directory.stats;
  return handler;
}

/** One warning per invocation, counts only. */
function report(logger, r) {
  if (r.failed === 0 && r.unresolved === 0 && r.fit.stripped === 0 && r.recovered === 0 && r.counts.strays === 0 && r.counts.reingested === 0) return;
  logger.warn(
    JSON.stringify({
      message: 'Some records were not delivered as parsed and enriched',
      total: r.total,
      recoveredFromUnescapedValues: r.recovered,
      processingFailed: r.failed,
      processingFailedPrefix: 'errors/processing-failed/',
      enrichmentNotResolvedInTime: r.unresolved,
      enrichmentDroppedForResponseSize: r.fit.stripped,
      cloudWatchLogsEnvelopes: r.counts.envelopes,
      envelopesPutBackSplit: r.counts.reingested,
      logEventsNotOurs: r.counts.strays,
      lookupCallsThisInvocation: r.calls,
      lookupCallsTotal: r.stats.calls,
      throttledTotal: r.stats.throttled,
      timeoutsTotal: r.stats.timeouts,
      failedLookupsTotal: r.stats.failures,
    }),
  );
}

/** Latest epoch ms a Glue `dt` of four-digit years can name (9999-12-31T23:59:59.999Z). */
const MAX_EPOCH_MS = 253402300799999;

/**
 * The UTC day and hour the request happened, as the keys Firehose's dynamic partitioning files the
 * record under (`!{partitionKeyFromLambda:dt}`, `!{partitionKeyFromLambda:hour}`): each Ok record
 * carries `metadata: { partitionKeys: { dt, hour } }`
 * (https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning-partitioning-keys.html).
 * A record without a usable request time is filed by its arrival at Firehose, so no record is ever
 * left without keys (Firehose would send it to errors/).
 */
function partitionKeys(requestTimeEpoch, arrivalMs) {
  const usable = (ms) => typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 && ms <= MAX_EPOCH_MS;
  const ms = usable(requestTimeEpoch) ? requestTimeEpoch : usable(arrivalMs) ? arrivalMs : Date.now();
  const iso = new Date(ms).toISOString();
  return { dt: iso.slice(0, 10), hour: iso.slice(11, 13) };
}

exports.partitionKeys = partitionKeys;
exports.createHandler = createHandler;
exports.recoverLine = recoverLine;
exports.parseFieldSpec = parseFieldSpec;
exports.RESPONSE_MAX_BYTES = RESPONSE_MAX_BYTES;
exports.REINGEST_ENVELOPE_BYTES = REINGEST_ENVELOPE_BYTES;
exports.STRAY_PREFIX = STRAY_PREFIX;
exports.ENRICHMENT_MAX_CHARS = ENRICHMENT_MAX_CHARS;
exports.handler = createHandler();
