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
 * Per record: base64-decode, check UTF-8, JSON.parse; "-" (API Gateway's empty value) becomes null;
 * the numeric fields (NUMERIC_FIELDS, generated from the log-format module) become numbers, or null
 * when not an integer; when the request used an API key, usagePlanId, usagePlanName, apiKeyName
 * and customerId are added; the output is one JSON line ending in "\n". A record that cannot be
 * parsed comes back ProcessingFailed with its original data (Firehose writes it under errors/);
 * every recordId comes back exactly once; one bad record never fails the batch.
 *
 * Usage plans (with their keys) and API keys are loaded with pagination, cached for
 * CACHE_TTL_SECONDS, loaded once however many invocations ask at the same time, and a throttled
 * or denied load leaves the enrichment fields null (or keeps the last good data) and is retried
 * after CACHE_RETRY_SECONDS, never failing the batch. Nothing from a payload is ever logged.
 */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS by necessity (see above) */

const { isUtf8 } = require('node:buffer');

const OK = 'Ok';
const FAILED = 'ProcessingFailed';
/** Page size of GetUsagePlans, GetUsagePlanKeys and GetApiKeys (the API's maximum). */
const PAGE_LIMIT = 500;
/** Usage plans whose keys are fetched at once: the account's control-plane budget (10 req/s) is shared. */
const KEY_PAGE_CONCURRENCY = 4;

function listFromEnv(value) {
  return (value || '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

function secondsFromEnv(value, fallback) {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) && n >= 0 ? n * 1000 : fallback * 1000;
}

/** Decodes one record; undefined when it is not a UTF-8 JSON object. */
function parseRecord(data) {
  if (typeof data !== 'string' || data.length === 0) return undefined;
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length === 0 || !isUtf8(bytes)) return undefined;
  let value;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return value;
}

function toInteger(value) {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

/** "-" to null everywhere; numeric fields to integers (null when they are not). In place. */
function normalize(record, numericKeys) {
  for (const key in record) {
    if (record[key] === '-') record[key] = null;
  }
  for (let i = 0; i < numericKeys.length; i++) {
    const key = numericKeys[i];
    const value = record[key];
    if (value !== undefined && value !== null && typeof value !== 'number') record[key] = toInteger(value);
  }
}

/** Next page position, or undefined at the end (or if the service repeats itself). */
function nextPosition(page, previous) {
  const position = page && page.position;
  return position && position !== previous ? position : undefined;
}

async function forEachLimited(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * A value loaded on demand and kept for `ttlMs`. One load at a time: callers that arrive while a
 * load runs share it. A failed load keeps the previous value (or null) and is not retried before
 * `retryMs`, so a throttled API is not hammered.
 */
function createCache(name, load, ttlMs, retryMs, now, logger) {
  let value = null;
  let loadedAt = 0;
  let inFlight = null;
  let retryAt = 0;
  return {
    get() {
      const t = now();
      if (value !== null && t - loadedAt < ttlMs) return value;
      if (inFlight !== null) return inFlight;
      if (t < retryAt) return value;
      inFlight = load()
        .then(
          (loaded) => {
            value = loaded;
            loadedAt = now();
            retryAt = 0;
            return value;
          },
          (error) => {
            retryAt = now() + retryMs;
            logger.warn(
              JSON.stringify({
                message: `Could not load ${name}; enrichment fields stay ${value === null ? 'null' : 'as last loaded'} until a retry succeeds`,
                errorName: (error && error.name) || 'Error',
                errorMessage: (error && error.message) || String(error),
                retryInSeconds: Math.round(retryMs / 1000),
              }),
            );
            return value;
          },
        )
        .finally(() => {
          inFlight = null;
        });
      return inFlight;
    },
  };
}

/** Usage plans, and for each API key the plans it belongs to. */
async function loadUsagePlans(sdk, client) {
  const plans = [];
  let position;
  do {
    const page = await client.send(new sdk.GetUsagePlansCommand({ limit: PAGE_LIMIT, position }));
    for (const plan of page.items || []) {
      if (plan.id) plans.push(plan);
    }
    position = nextPosition(page, position);
  } while (position);

  const plansByKey = new Map();
  const keyNames = new Map();
  await forEachLimited(plans, KEY_PAGE_CONCURRENCY, async (plan) => {
    const entry = {
      id: plan.id,
      name: plan.name === undefined ? null : plan.name,
      stages: new Set((plan.apiStages || []).map((s) => `${s.apiId}/${s.stage}`)),
    };
    let keyPosition;
    do {
      const page = await client.send(new sdk.GetUsagePlanKeysCommand({ usagePlanId: plan.id, limit: PAGE_LIMIT, position: keyPosition }));
      for (const key of page.items || []) {
        if (!key.id) continue;
        const list = plansByKey.get(key.id);
        if (list === undefined) plansByKey.set(key.id, [entry]);
        else list.push(entry);
        if (key.name !== undefined) keyNames.set(key.id, key.name);
      }
      keyPosition = nextPosition(page, keyPosition);
    } while (keyPosition);
  });
  return { plansByKey, keyNames };
}

/** API key id to its name and customerId (key values are never requested). */
async function loadApiKeys(sdk, client) {
  const keys = new Map();
  let position;
  do {
    const page = await client.send(new sdk.GetApiKeysCommand({ limit: PAGE_LIMIT, position, includeValues: false }));
    for (const key of page.items || []) {
      if (key.id) {
        keys.set(key.id, {
          name: key.name === undefined ? null : key.name,
          customerId: key.customerId === undefined || key.customerId === '' ? null : key.customerId,
        });
      }
    }
    position = nextPosition(page, position);
  } while (position);
  return keys;
}

/** Adds the four enrichment fields to a record made with an API key. */
function enrich(record, plans, keys) {
  const keyId = record.identityApiKeyId;
  let plan = null;
  if (plans !== null) {
    const candidates = plans.plansByKey.get(keyId);
    if (candidates !== undefined) {
      // A key can be in several plans, but in only one per API stage: the record's decides.
      const stage = `${record.apiId}/${record.stage}`;
      for (let i = 0; i < candidates.length; i++) {
        if (candidates[i].stages.has(stage)) {
          plan = candidates[i];
          break;
        }
      }
    }
  }
  const key = keys === null ? undefined : keys.get(keyId);
  record.usagePlanId = plan === null ? null : plan.id;
  record.usagePlanName = plan === null ? null : plan.name;
  if (key !== undefined) record.apiKeyName = key.name;
  else record.apiKeyName = plans !== null && plans.keyNames.has(keyId) ? plans.keyNames.get(keyId) : null;
  record.customerId = key === undefined ? null : key.customerId;
}

const hasApiKey = (record) => typeof record.identityApiKeyId === 'string' && record.identityApiKeyId.length > 0;

/**
 * Builds a handler with its own caches. Options (all optional; the deployed handler uses the
 * environment): numericKeys, ttlMs, retryMs, now, logger, client (an APIGatewayClient), sdk (the
 * @aws-sdk/client-api-gateway module).
 */
function createHandler(options = {}) {
  const numericKeys = options.numericKeys ? [...options.numericKeys] : listFromEnv(process.env.NUMERIC_FIELDS);
  const ttlMs = options.ttlMs !== undefined ? options.ttlMs : secondsFromEnv(process.env.CACHE_TTL_SECONDS, 300);
  const retryMs = options.retryMs !== undefined ? options.retryMs : secondsFromEnv(process.env.CACHE_RETRY_SECONDS, 30);
  const now = options.now || Date.now;
  const logger = options.logger || console;
  let sdk = options.sdk;
  let client = options.client;
  const api = () => {
    // Loaded on first use: batches without API keys never pay for the SDK.
    if (sdk === undefined) sdk = require('@aws-sdk/client-api-gateway');
    if (client === undefined) {
      client = new sdk.APIGatewayClient({ maxAttempts: 3, requestHandler: { connectionTimeout: 3000, requestTimeout: 10000 } });
    }
    return [sdk, client];
  };
  // async, so that even a failure to load the SDK is a rejected load, not a failed batch.
  const plansCache = createCache('usage plans', async () => loadUsagePlans(...api()), ttlMs, retryMs, now, logger);
  const keysCache = createCache('API keys', async () => loadApiKeys(...api()), ttlMs, retryMs, now, logger);

  return async function handler(event) {
    const input = (event && event.records) || [];
    const n = input.length;
    const results = new Array(n);
    const records = new Array(n);
    let withKey = false;
    let failed = 0;
    for (let i = 0; i < n; i++) {
      const record = parseRecord(input[i].data);
      if (record === undefined) continue;
      try {
        normalize(record, numericKeys);
      } catch {
        continue;
      }
      records[i] = record;
      if (!withKey && hasApiKey(record)) withKey = true;
    }

    let plans = null;
    let keys = null;
    if (withKey) [plans, keys] = await Promise.all([plansCache.get(), keysCache.get()]);

    for (let i = 0; i < n; i++) {
      const { recordId, data } = input[i];
      const record = records[i];
      if (record !== undefined) {
        try {
          if (hasApiKey(record)) enrich(record, plans, keys);
          results[i] = {
            recordId,
            result: OK,
            data: Buffer.from(`${JSON.stringify(record)}\n`, 'utf8').toString('base64'),
            metadata: { partitionKeys: partitionKeys(record.requestTimeEpoch, input[i].approximateArrivalTimestamp) },
          };
          continue;
        } catch {
          // fall through: returned unchanged, as failed
        }
      }
      failed++;
      results[i] = { recordId, result: FAILED, data: typeof data === 'string' ? data : '' };
    }
    if (failed > 0) {
      logger.warn(JSON.stringify({ message: 'Records could not be parsed and go to errors/processing-failed/', failed, total: n }));
    }
    return { records: results };
  };
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
exports.handler = createHandler();
