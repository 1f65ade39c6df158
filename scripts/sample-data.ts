/**
 * A deterministic, seeded generator of realistic raw access-log records, exactly as API Gateway
 * writes them with our format (`accessLogFormat()`): every value a string, `-` for an empty value,
 * values substituted as they are (a `"` or `\` in a user agent is not escaped, so such lines are
 * not valid JSON: DataBiosphere/azul#4348), the error message through the already-quoted
 * `$context.error.messageString`, raw UTF-8 for non-ASCII. The same seed always gives the
 * same records, so tests, the Lambda bench and the local report engine can share one realistic
 * data set without fixtures on disk.
 *
 * What it models: three REST APIs (one behind a custom domain, one behind a WAF web ACL) with
 * several stages and route templates; API-key, Cognito user-pool, IAM (SigV4, some via Cognito
 * identity pools) and Lambda-authorizer callers; a status mix with the gateway's own 4xx/5xx
 * responses (QUOTA_EXCEEDED "Limit Exceeded", THROTTLED "Too Many Requests", UNAUTHORIZED,
 * ACCESS_DENIED, INVALID_SIGNATURE, MISSING_AUTHENTICATION_TOKEN, WAF_FILTERED, INTEGRATION_*),
 * backend errors, user agents with quotes, backslashes and unicode, IPv4 and IPv6 sources, skewed
 * latencies, and `requestTime` (CLF, UTC) consistent with `requestTimeEpoch`.
 *
 * `SAMPLE_USAGE_PLANS` and `SAMPLE_API_KEYS` describe the account the records come from, so an
 * enrichment mock (or the report engine) can resolve the keys the records carry.
 */
import { LOG_FIELDS, accessLogFormat } from '../src/core/log-format.js';

/** One raw record: every format key mapped to the string API Gateway writes (`-` when empty). */
export type RawAccessLogRecord = Record<string, string>;

export interface SampleOptions {
  /** Number of records. */
  count: number;
  /** Seed of the pseudo-random sequence (same seed, same records). Default 1. */
  seed?: number;
  /** Time of the first request, epoch ms. Default 2025-01-06T00:00:00Z. */
  startMs?: number;
  /** Time span the requests are spread over, ms (in order, with jitter). Default 1 hour. */
  spanMs?: number;
}

export const SAMPLE_ACCOUNT_ID = '123456789012';
export const SAMPLE_REGION = 'us-east-1';
const DEFAULT_START_MS = Date.UTC(2025, 0, 6, 0, 0, 0);

export interface SampleUsagePlan {
  id: string;
  name: string;
  apiStages: Array<{ apiId: string; stage: string }>;
  keyIds: string[];
}

export interface SampleApiKey {
  id: string;
  name: string;
  /** The key's customerId attribute, when set. */
  customerId?: string;
}

type Auth = 'none' | 'apiKey' | 'cognito' | 'iam' | 'lambda';

interface SampleRoute {
  method: string;
  resourcePath: string;
  auth: Auth;
  weight: number;
}

interface SampleApi {
  id: string;
  stages: Array<{ name: string; weight: number }>;
  /** Custom domain name; requests go through it with this share, else through execute-api. */
  customDomain?: { name: string; share: number };
  wafAclArn?: string;
  routes: SampleRoute[];
}

export const SAMPLE_APIS: readonly SampleApi[] = [
  {
    id: 'k3x9q2m7ab',
    stages: [
      { name: 'prod', weight: 8 },
      { name: 'dev', weight: 2 },
    ],
    customDomain: { name: 'api.petstore.example.com', share: 0.7 },
    wafAclArn: `arn:aws:wafv2:${SAMPLE_REGION}:${SAMPLE_ACCOUNT_ID}:regional/webacl/petstore-protection/0d6f3c52-7d1e-4a8f-9c2b-5e4a3b2c1d0e`,
    routes: [
      { method: 'GET', resourcePath: '/pets', auth: 'apiKey', weight: 30 },
      { method: 'GET', resourcePath: '/pets/{petId}', auth: 'apiKey', weight: 40 },
      { method: 'POST', resourcePath: '/pets', auth: 'cognito', weight: 8 },
      { method: 'DELETE', resourcePath: '/pets/{petId}', auth: 'cognito', weight: 2 },
      { method: 'GET', resourcePath: '/health', auth: 'none', weight: 5 },
    ],
  },
  {
    id: '7fhw0d1zq4',
    stages: [
      { name: 'prod', weight: 7 },
      { name: 'staging', weight: 3 },
    ],
    routes: [
      { method: 'GET', resourcePath: '/orders', auth: 'cognito', weight: 20 },
      { method: 'GET', resourcePath: '/orders/{orderId}', auth: 'cognito', weight: 25 },
      { method: 'POST', resourcePath: '/orders', auth: 'cognito', weight: 10 },
      { method: 'GET', resourcePath: '/orders/{orderId}/items/{itemId}', auth: 'apiKey', weight: 15 },
      { method: 'ANY', resourcePath: '/partner/{proxy+}', auth: 'lambda', weight: 10 },
    ],
  },
  {
    id: 'u0vb6tn2rc',
    stages: [{ name: 'v1', weight: 1 }],
    routes: [
      { method: 'GET', resourcePath: '/reports', auth: 'iam', weight: 10 },
      { method: 'POST', resourcePath: '/reports/{reportId}/run', auth: 'iam', weight: 4 },
      { method: 'PUT', resourcePath: '/config', auth: 'iam', weight: 1 },
    ],
  },
];
const API_WEIGHTS = [6, 3, 1];

export const SAMPLE_API_KEYS: readonly SampleApiKey[] = [
  { id: 'a1b2c3d4e5', name: 'acme-prod', customerId: 'cust-0001' },
  { id: 'f6g7h8i9j0', name: 'globex-web', customerId: 'cust-0002' },
  { id: 'k1l2m3n4o5', name: 'initech-mobile', customerId: 'cust-0003' },
  { id: 'p6q7r8s9t0', name: 'umbrella "research"' },
  { id: 'u1v2w3x4y5', name: 'hooli-batch', customerId: 'cust-0005' },
  { id: 'z6a7b8c9d0', name: 'free-trial-ünïcødé', customerId: 'cust-0006' },
  { id: 'e1f2g3h4i5', name: 'dev-sandbox' },
];
/** A key id that appears in records but exists in no usage plan (deleted or never attached). */
export const SAMPLE_ORPHAN_KEY_ID = 'q9w8e7r6t5';

export const SAMPLE_USAGE_PLANS: readonly SampleUsagePlan[] = [
  {
    id: 'gold01',
    name: 'Gold',
    apiStages: [{ apiId: 'k3x9q2m7ab', stage: 'prod' }],
    keyIds: ['a1b2c3d4e5', 'k1l2m3n4o5'],
  },
  {
    id: 'silv02',
    name: 'Silver',
    apiStages: [{ apiId: 'k3x9q2m7ab', stage: 'prod' }],
    keyIds: ['f6g7h8i9j0'],
  },
  {
    id: 'free03',
    name: 'Free',
    apiStages: [
      { apiId: 'k3x9q2m7ab', stage: 'prod' },
      { apiId: 'k3x9q2m7ab', stage: 'dev' },
    ],
    keyIds: ['u1v2w3x4y5', 'z6a7b8c9d0'],
  },
  {
    // acme-prod is in Gold (pet store) and Partner (orders): the record's API and stage decide.
    id: 'part04',
    name: 'Partner',
    apiStages: [
      { apiId: '7fhw0d1zq4', stage: 'prod' },
      { apiId: '7fhw0d1zq4', stage: 'staging' },
    ],
    keyIds: ['a1b2c3d4e5', 'p6q7r8s9t0'],
  },
  {
    id: 'test05',
    name: 'Internal test',
    apiStages: [{ apiId: 'k3x9q2m7ab', stage: 'dev' }],
    keyIds: ['e1f2g3h4i5'],
  },
];

const USER_AGENTS: ReadonlyArray<[string, number]> = [
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 20],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1', 10],
  ['okhttp/4.12.0', 10],
  ['python-requests/2.32.3', 12],
  ['curl/8.5.0', 8],
  ['aws-sdk-js/3.723.0 ua/2.1 os/linux#6.1 lang/js md/nodejs#22.12.0 api/api-gateway#3.723.0', 6],
  ['PostmanRuntime/7.43.0', 5],
  ['Go-http-client/2.0', 5],
  ['PetStoreApp/4.2 (com.example.petstore; build:1187; iOS 18.1.0) Alamofire/5.10.2', 8],
  ['Partner "Sync" Agent \\ v2.1', 3],
  ['Ünïcødé-Klient/1.0 (日本語; ü/ß) 🚀', 2],
  ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 2],
  ['-', 2],
];

const COGNITO_POOL = `us-east-1_Xk7Qp2LmN`;
const COGNITO_ISS = `https://cognito-idp.${SAMPLE_REGION}.amazonaws.com/${COGNITO_POOL}`;
const COGNITO_CLIENT_ID = '4k8d2n6p1q9r3s7t5u0v2w4x6y';
const IDENTITY_POOL = `${SAMPLE_REGION}:9b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e`;

interface IamCaller {
  accountId: string;
  caller: string;
  user: string;
  userArn: string;
  orgId: string;
  cognito: boolean;
}

const IAM_CALLERS: readonly IamCaller[] = [
  {
    accountId: SAMPLE_ACCOUNT_ID,
    caller: 'AIDAJQABLZS4A3QDU576Q',
    user: 'AIDAJQABLZS4A3QDU576Q',
    userArn: `arn:aws:iam::${SAMPLE_ACCOUNT_ID}:user/reporting-bot`,
    orgId: 'o-a1b2c3d4e5',
    cognito: false,
  },
  {
    accountId: '210987654321',
    caller: 'AROAXYKJUDXMPLEROLEID:batch-export',
    user: 'AROAXYKJUDXMPLEROLEID:batch-export',
    userArn: 'arn:aws:sts::210987654321:assumed-role/ReportsReader/batch-export',
    orgId: 'o-a1b2c3d4e5',
    cognito: false,
  },
  {
    accountId: SAMPLE_ACCOUNT_ID,
    caller: 'AROAZCOGNITOAUTHROLE:CognitoIdentityCredentials',
    user: 'AROAZCOGNITOAUTHROLE:CognitoIdentityCredentials',
    userArn: `arn:aws:sts::${SAMPLE_ACCOUNT_ID}:assumed-role/Cognito_AppAuth_Role/CognitoIdentityCredentials`,
    orgId: '-',
    cognito: true,
  },
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** sfc32: small, fast, good enough for test data, and identical on every platform. */
function prng(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

class Rand {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return (items[items.length - 1] as readonly [T, number])[0];
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(this.next() * 16)];
    return s;
  }
  alnum(n: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
  uuid(): string {
    const v = this.hex(32);
    const variant = '89ab'[Math.floor(this.next() * 4)] as string;
    return `${v.slice(0, 8)}-${v.slice(8, 12)}-4${v.slice(13, 16)}-${variant}${v.slice(17, 20)}-${v.slice(20, 32)}`;
  }
  /** Log-normal-ish latency in ms around `median`, with a long tail. */
  latency(median: number): number {
    const u = Math.max(this.next(), 1e-9);
    const v = this.next();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.max(1, Math.round(median * Math.exp(0.6 * z)));
  }
}

/** `dd/MMM/yyyy:HH:mm:ss +0000`: the CLF form API Gateway writes in `$context.requestTime` (UTC). */
export function clfTime(epochMs: number): string {
  const d = new Date(epochMs);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function concretePath(r: Rand, resourcePath: string): string {
  return resourcePath
    .replace('{petId}', String(r.int(1, 5000)))
    .replace('{orderId}', `ord-${r.alnum(8)}`)
    .replace('{itemId}', String(r.int(1, 40)))
    .replace('{reportId}', r.uuid())
    .replace('{proxy+}', r.pick(['sync', 'sync/batch', 'catalog/items', 'webhooks/stripe']));
}

function ipAddress(r: Rand, pool: readonly string[]): string {
  if (r.chance(0.7)) return r.pick(pool);
  if (r.chance(0.1)) return `2001:db8:${r.hex(4)}:${r.hex(4)}::${r.hex(3)}`;
  return `${r.int(1, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
}

interface Outcome {
  status: number;
  errorMessage: string;
  errorResponseType: string;
  /** Whether the request reached the authorizer / the integration. */
  authorized: boolean;
  integrated: boolean;
  integrationStatus?: number;
  waf?: 'WAF_BLOCK';
}

const ok = (status: number): Outcome => ({ status, errorMessage: '-', errorResponseType: '-', authorized: true, integrated: true, integrationStatus: status });
const gateway = (status: number, type: string, message: string, authorized: boolean): Outcome => ({
  status,
  errorMessage: message,
  errorResponseType: type,
  authorized,
  integrated: false,
});

function outcome(r: Rand, route: SampleRoute, method: string, hasWaf: boolean): Outcome {
  if (hasWaf && r.chance(0.015)) return { ...gateway(403, 'WAF_FILTERED', 'Forbidden', false), waf: 'WAF_BLOCK' };
  if (r.chance(0.004)) return gateway(403, 'MISSING_AUTHENTICATION_TOKEN', 'Missing Authentication Token', false);
  const x = r.next();
  switch (route.auth) {
    case 'apiKey':
      if (x < 0.05) return gateway(429, 'QUOTA_EXCEEDED', 'Limit Exceeded', false);
      if (x < 0.09) return gateway(429, 'THROTTLED', 'Too Many Requests', false);
      if (x < 0.11) return gateway(403, 'INVALID_API_KEY', 'Forbidden', false);
      break;
    case 'cognito':
      if (x < 0.04) return gateway(401, 'UNAUTHORIZED', 'Unauthorized', false);
      if (x < 0.06) return gateway(401, 'UNAUTHORIZED', 'The incoming token has expired', false);
      if (x < 0.08) return gateway(429, 'THROTTLED', 'Too Many Requests', false);
      break;
    case 'iam':
      if (x < 0.04) return gateway(403, 'ACCESS_DENIED', 'User: arn:aws:iam::210987654321:user/intruder is not authorized to perform: execute-api:Invoke', false);
      if (x < 0.07)
        return gateway(
          403,
          'INVALID_SIGNATURE',
          'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
          false,
        );
      break;
    case 'lambda':
      if (x < 0.03) return gateway(401, 'UNAUTHORIZED', 'Unauthorized', false);
      if (x < 0.06) return gateway(403, 'ACCESS_DENIED', 'User is not authorized to access this resource with an explicit deny', false);
      if (x < 0.065) return { ...gateway(500, 'AUTHORIZER_FAILURE', 'Internal server error', false), authorized: true };
      break;
    default:
      if (x < 0.02) return gateway(429, 'THROTTLED', 'Too Many Requests', false);
  }
  const y = r.next();
  if (y < 0.012) return gateway(504, 'INTEGRATION_TIMEOUT', 'Endpoint request timed out', true);
  if (y < 0.02) return { ...gateway(502, 'INTEGRATION_FAILURE', 'Internal server error', true), integrated: true, integrationStatus: 200 };
  if (y < 0.03) return ok(500);
  if (y < 0.05 && method !== 'GET') return gateway(400, 'BAD_REQUEST_BODY', 'Invalid request body', true);
  if (y < 0.08) return ok(route.resourcePath.includes('{') ? 404 : 400);
  if (y < 0.09 && method === 'POST') return ok(409);
  if (method === 'POST') return ok(201);
  if (method === 'DELETE') return ok(204);
  if (method === 'GET' && y > 0.97) return ok(304);
  return ok(200);
}

/** Generates `count` raw records with the full format (every key of `LOG_FIELDS`). */
export function generateAccessLogRecords(options: SampleOptions): RawAccessLogRecord[] {
  const r = new Rand(options.seed ?? 1);
  const start = options.startMs ?? DEFAULT_START_MS;
  const span = options.spanMs ?? 3_600_000;
  const step = options.count > 0 ? span / options.count : 0;
  const ipPool = Array.from({ length: 40 }, () => `${r.int(1, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`);
  const subs = Array.from({ length: 25 }, () => r.uuid());
  const identityIds = Array.from({ length: 6 }, () => `${SAMPLE_REGION}:${r.uuid()}`);
  const principals = ['partner-42', 'partner-7', 'user|8841', 'svc:catalog-sync'];
  const keyWeights: ReadonlyArray<[string, number]> = [
    ...SAMPLE_API_KEYS.map((k, i): [string, number] => [k.id, 10 - i]),
    [SAMPLE_ORPHAN_KEY_ID, 1],
  ];
  const apiChoices = SAMPLE_APIS.map((a, i): [SampleApi, number] => [a, API_WEIGHTS[i] ?? 1]);
  const fieldKeys = LOG_FIELDS.map((x) => x.key);

  const out: RawAccessLogRecord[] = [];
  for (let i = 0; i < options.count; i++) {
    const api = r.weighted(apiChoices);
    const stage = r.weighted(api.stages.map((s): [string, number] => [s.name, s.weight]));
    const route = r.weighted(api.routes.map((x): [SampleRoute, number] => [x, x.weight]));
    const method = route.method === 'ANY' ? r.weighted<string>([['GET', 6], ['POST', 3], ['PUT', 1]]) : route.method;
    const epoch = Math.floor(start + i * step + r.next() * step);
    const viaCustom = api.customDomain !== undefined && r.chance(api.customDomain.share);
    const domainName = viaCustom && api.customDomain ? api.customDomain.name : `${api.id}.execute-api.${SAMPLE_REGION}.amazonaws.com`;
    const hasWaf = api.wafAclArn !== undefined && stage === 'prod';
    const o = outcome(r, route, method, hasWaf);
    const unknownRoute = o.errorResponseType === 'MISSING_AUTHENTICATION_TOKEN';
    const rec: RawAccessLogRecord = {};
    for (const k of fieldKeys) rec[k] = '-';

    const concrete = unknownRoute ? '/favicon.ico' : concretePath(r, route.resourcePath);
    rec.apiId = api.id;
    rec.stage = stage;
    rec.requestId = r.uuid();
    rec.extendedRequestId = `${r.alnum(15, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}=`;
    rec.ip = ipAddress(r, ipPool);
    rec.requestTime = clfTime(epoch);
    rec.requestTimeEpoch = String(epoch);
    rec.httpMethod = method;
    rec.status = String(o.status);
    rec.protocol = r.chance(0.2) ? 'HTTP/2.0' : 'HTTP/1.1';
    rec.accountId = SAMPLE_ACCOUNT_ID;
    rec.domainName = domainName;
    rec.domainPrefix = domainName.split('.')[0] ?? '-';
    rec.errorMessage = o.errorMessage;
    rec.errorResponseType = o.errorResponseType;
    rec.identityUserAgent = r.weighted(USER_AGENTS);
    rec.path = viaCustom ? concrete : `/${stage}${concrete}`;
    rec.resourcePath = unknownRoute ? '-' : route.resourcePath;
    if (hasWaf) {
      rec.wafResponseCode = o.waf ?? 'WAF_ALLOW';
      rec.webaclArn = api.wafAclArn ?? '-';
    }
    const blockedEarly = o.waf !== undefined || unknownRoute;

    if (!blockedEarly) {
      switch (route.auth) {
        case 'apiKey':
          // INVALID_API_KEY: no key id was resolved.
          if (o.errorResponseType !== 'INVALID_API_KEY') rec.identityApiKeyId = r.weighted(keyWeights);
          break;
        case 'cognito':
          if (o.errorResponseType !== 'UNAUTHORIZED') {
            rec.sub = r.pick(subs);
            rec.clientId = COGNITO_ISS;
            // id tokens carry aud, access tokens client_id.
            if (r.chance(0.5)) rec.aud = COGNITO_CLIENT_ID;
            else rec.cognitoClientId = COGNITO_CLIENT_ID;
          }
          rec.authorizerLatency = String(r.latency(3));
          rec.authorizerStatus = o.errorResponseType === 'UNAUTHORIZED' ? '401' : '200';
          break;
        case 'iam': {
          const c = r.pick(IAM_CALLERS);
          rec.authorizeLatency = String(r.latency(2));
          if (o.errorResponseType === 'INVALID_SIGNATURE') {
            rec.authorizeStatus = '403';
            rec.authorizeError = 'The request signature we calculated does not match the signature you provided.';
            break;
          }
          rec.identityAccountId = c.accountId;
          rec.identityCaller = c.caller;
          rec.identityUser = c.user;
          rec.identityUserArn = c.userArn;
          rec.identityPrincipalOrgId = c.orgId;
          rec.authorizeStatus = o.errorResponseType === 'ACCESS_DENIED' ? '403' : '200';
          if (o.errorResponseType === 'ACCESS_DENIED') rec.authorizeError = 'User is not authorized to access this resource';
          if (c.cognito) {
            const identityId = r.pick(identityIds);
            rec.identityCognitoIdentityId = identityId;
            rec.identityCognitoIdentityPoolId = IDENTITY_POOL;
            rec.identityCognitoAuthenticationType = 'authenticated';
            rec.identityCognitoAuthenticationProvider = `cognito-idp.${SAMPLE_REGION}.amazonaws.com/${COGNITO_POOL},cognito-idp.${SAMPLE_REGION}.amazonaws.com/${COGNITO_POOL}:CognitoSignIn:${r.pick(subs)}`;
          }
          break;
        }
        case 'lambda': {
          const cached = r.chance(0.6);
          const integ = r.latency(40);
          rec.authorizerLatency = String(cached ? r.int(0, 2) : integ + r.int(1, 5));
          if (!cached) {
            rec.authorizerIntegrationLatency = String(integ);
            rec.authorizerIntegrationStatus = o.errorResponseType === 'AUTHORIZER_FAILURE' ? '500' : '200';
          }
          if (o.errorResponseType === 'AUTHORIZER_FAILURE') {
            rec.authorizerStatus = '500';
            rec.authorizerError = 'Internal server error';
          } else if (o.errorResponseType === 'UNAUTHORIZED') {
            rec.authorizerStatus = '401';
            rec.authorizerError = 'Unauthorized';
          } else {
            rec.authorizerStatus = o.errorResponseType === 'ACCESS_DENIED' ? '403' : '200';
            rec.authorizerPrincipalId = r.pick(principals);
          }
          break;
        }
        default:
          break;
      }
    }

    let responseLatency = r.latency(blockedEarly ? 2 : 6);
    for (const k of ['authorizeLatency', 'authorizerLatency'] as const) {
      const v = rec[k];
      if (v !== undefined && v !== '-') responseLatency += Number(v);
    }
    if (o.integrated) {
      const median = route.method === 'GET' ? 45 : 120;
      const lat = o.errorResponseType === 'INTEGRATION_TIMEOUT' ? 29000 : r.latency(median);
      rec.integrationLatency = String(lat);
      rec.integrationStatus = String(o.integrationStatus ?? o.status);
      responseLatency += lat;
    } else if (o.errorResponseType === 'INTEGRATION_TIMEOUT') {
      rec.integrationLatency = String(29000 + r.int(0, 50));
      responseLatency += 29000;
    }
    rec.responseLatency = String(responseLatency);
    let length: number;
    if (o.status === 204 || o.status === 304) length = 0;
    else if (o.errorResponseType !== '-') length = o.errorMessage.length + 14;
    else if (o.status >= 400) length = r.int(40, 200);
    else if (route.resourcePath.endsWith('}')) length = r.int(200, 2000);
    else length = r.int(1500, 48000);
    rec.responseLength = String(length);
    out.push(rec);
  }
  return out;
}

const FORMAT = accessLogFormat();
const VARIABLE_TO_FIELD = new Map(LOG_FIELDS.map((x) => [x.variable, x]));

/**
 * The line API Gateway writes for a record: our format with each `$context` variable replaced by
 * its value as it is (API Gateway escapes nothing), except the variables it quotes itself
 * (`messageString`: a JSON string, `"-"` when empty), ending in the format's newline. Missing
 * keys come out as `-`, as API Gateway writes an empty value.
 */
export function formatAccessLogLine(record: RawAccessLogRecord): string {
  return FORMAT.replace(/\$context\.([A-Za-z0-9_.]+)/g, (_m, variable: string) => {
    const field = VARIABLE_TO_FIELD.get(variable);
    const value = field === undefined ? '-' : (record[field.key] ?? '-');
    return field?.quoted ? JSON.stringify(value) : value;
  });
}

/** `generateAccessLogRecords` rendered as lines (each ending in `\n`). */
export function generateAccessLogLines(options: SampleOptions): string[] {
  return generateAccessLogRecords(options).map(formatAccessLogLine);
}

/** The event Firehose sends a transformation Lambda (the shape of @types/aws-lambda's FirehoseTransformationEvent). */
export interface FirehoseTransformationEventShape {
  invocationId: string;
  deliveryStreamArn: string;
  region: string;
  records: Array<{ recordId: string; approximateArrivalTimestamp: number; data: string }>;
}

export interface FirehoseEventOptions {
  /** Stream name; default `amazon-apigateway-sample`. */
  streamName?: string;
  /** Arrival time of the first record, epoch ms. */
  arrivalMs?: number;
  /** Deterministic invocation id / record id seed. */
  seed?: number;
}

/**
 * Wraps records (lines as API Gateway sends them, raw bytes, or raw records to format) into a
 * Firehose transformation event with unique record ids and base64 data.
 */
export function firehoseTransformationEvent(
  items: ReadonlyArray<string | Uint8Array | RawAccessLogRecord>,
  options: FirehoseEventOptions = {},
): FirehoseTransformationEventShape {
  const r = new Rand(options.seed ?? 7);
  const arrival = options.arrivalMs ?? DEFAULT_START_MS;
  const streamName = options.streamName ?? 'amazon-apigateway-sample';
  // Firehose record ids are long decimal sequence numbers, unique within the invocation.
  const base = `4964${String(r.int(10_000_000, 99_999_999))}${String(r.int(10_000_000, 99_999_999))}`;
  return {
    invocationId: r.uuid(),
    deliveryStreamArn: `arn:aws:firehose:${SAMPLE_REGION}:${SAMPLE_ACCOUNT_ID}:deliverystream/${streamName}`,
    region: SAMPLE_REGION,
    records: items.map((item, i) => {
      const bytes =
        typeof item === 'string' ? Buffer.from(item, 'utf8') : item instanceof Uint8Array ? Buffer.from(item) : Buffer.from(formatAccessLogLine(item), 'utf8');
      return {
        recordId: `${base}${String(i).padStart(12, '0')}`,
        approximateArrivalTimestamp: arrival + i,
        data: bytes.toString('base64'),
      };
    }),
  };
}
