/**
 * Typed errors. Every error a person can meet carries a message that says what happened and a
 * resolution that says what to do about it; `main.ts` turns them into one or two lines on stderr and
 * an exit code. Errors are recognised by a brand, not `instanceof`, so two copies of this module
 * (a bundled chunk and a test import) still agree.
 */

import type { EndpointTag } from './aws/http.js';

const BRAND = Symbol.for('apigw-log-analytics.AppError');

export type ErrorKind = 'user' | 'usage' | 'abort' | 'cancel' | 'internal';

export const EXIT_CODES: Record<ErrorKind, number> = {
  user: 1,
  abort: 1,
  internal: 1,
  usage: 2,
  cancel: 130,
};

export interface AppErrorOptions {
  resolution?: string;
  cause?: unknown;
  /** Lines shown under the message (for example what was done and what was not). */
  details?: string[];
}

export class AppError extends Error {
  readonly [BRAND] = true;
  readonly kind: ErrorKind;
  readonly code: string;
  readonly resolution: string | undefined;
  readonly details: string[];

  constructor(kind: ErrorKind, code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.kind = kind;
    this.code = code;
    this.resolution = options.resolution;
    this.details = options.details ?? [];
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }
}

/** Bad input, missing permission, a failed AWS operation: the user can act on it. Exit 1. */
export class UserError extends AppError {
  constructor(code: string, message: string, options?: AppErrorOptions) {
    super('user', code, message, options);
    this.name = 'UserError';
  }
}

/** A command line that cannot be parsed: unknown option, bad value. Exit 2. */
export class UsageError extends AppError {
  constructor(code: string, message: string, options?: AppErrorOptions) {
    super('usage', code, message, options);
    this.name = 'UsageError';
  }
}

/** The user said no to a confirmation. A soft line, exit 1, so `&&` chains stop. */
export class AbortError extends AppError {
  constructor(message = 'Nothing was changed.', options?: AppErrorOptions) {
    super('abort', 'Aborted', message, options);
    this.name = 'AbortError';
  }
}

/** Ctrl+C. Exit 130, the shell's convention for SIGINT. */
export class CancelledError extends AppError {
  constructor(message = 'Cancelled.', options?: AppErrorOptions) {
    super('cancel', 'Cancelled', message, options);
    this.name = 'CancelledError';
  }
}

/** A bug of ours. */
export class InternalError extends AppError {
  constructor(message: string, options?: AppErrorOptions) {
    super('internal', 'InternalError', message, {
      resolution: 'This is a bug in apigw-log-analytics. Run again with -v and report the output.',
      ...options,
    });
    this.name = 'InternalError';
  }
}

export function isAppError(e: unknown): e is AppError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

interface AwsLikeError {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

function errorName(e: unknown): string {
  if (typeof e !== 'object' || e === null) return '';
  const a = e as AwsLikeError;
  return a.name && a.name !== 'Error' ? a.name : (a.code ?? a.Code ?? a.name ?? '');
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && typeof (e as AwsLikeError).message === 'string') {
    return (e as AwsLikeError).message as string;
  }
  return String(e);
}

/** Pulls "not authorized to perform: X on resource: Y" out of an AccessDenied message. */
export function deniedAction(message: string): { action?: string; resource?: string } {
  const m = /not authorized to perform:?\s*([\w-]+:[\w*-]+)(?:\s+on resource:?\s*(\S+))?/i.exec(message);
  if (!m) return {};
  const out: { action?: string; resource?: string } = {};
  if (m[1]) out.action = m[1];
  if (m[2]) out.resource = m[2].replace(/[.,;]+$/, '');
  return out;
}

export const THROTTLING_NAMES = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'SlowDown',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
]);

export function isThrottlingError(e: unknown): boolean {
  const name = errorName(e);
  if (name === 'LimitExceededException') {
    // CloudFormation and QuickSight use this name for quotas that a retry will not fix; only treat
    // it as throttling when the service said 429.
    return (e as AwsLikeError).$metadata?.httpStatusCode === 429;
  }
  return THROTTLING_NAMES.has(name) || (e as AwsLikeError | null)?.$metadata?.httpStatusCode === 429;
}

export interface AwsErrorContext {
  /** What we were doing, for the message: "listing REST APIs". */
  doing?: string;
  profile?: string | undefined;
  region?: string | undefined;
}

/**
 * Maps an error thrown by the AWS SDK (or its credential chain) to a UserError a person can act on.
 * Matches on the error's name, never on message text, except where the SDK gives only a message
 * (the missing-region error) or where the message carries the denied action.
 */
export function fromAwsError(e: unknown, ctx: AwsErrorContext = {}): AppError {
  if (isAppError(e)) return e;
  const name = errorName(e);
  const message = errorMessage(e);
  const doing = ctx.doing ? ` while ${ctx.doing}` : '';
  const profileHint = ctx.profile ? ` --profile ${ctx.profile}` : '';

  if (name === 'AbortError' || name === 'ExitPromptError' || name === 'AbortPromptError') {
    return new CancelledError();
  }
  // Before the mappings by name and status: a proxy's 403 page is not an AWS AccessDenied.
  const network = timeoutError(e, doing) ?? notFromAws(e, doing);
  if (network) return network;
  if (['ExpiredToken', 'ExpiredTokenException', 'RequestExpired'].includes(name)) {
    return new UserError('ExpiredCredentials', `Your AWS credentials have expired${doing}.`, {
      resolution: ctx.profile
        ? `Refresh them (for an SSO profile: aws sso login --profile ${ctx.profile}) and run the command again.`
        : 'Refresh them (aws sso login, or new temporary credentials in AWS_SESSION_TOKEN) and run the command again.',
      cause: e,
    });
  }
  if (['InvalidClientTokenId', 'UnrecognizedClientException', 'InvalidAccessKeyId', 'IncompleteSignature'].includes(name)) {
    return new UserError('InvalidCredentials', `AWS did not accept your credentials${doing}: ${message}`, {
      resolution: `Check the access key in use (aws sts get-caller-identity${profileHint}); it may be deleted, inactive or for another partition.`,
      cause: e,
    });
  }
  if (name === 'SignatureDoesNotMatch') {
    return new UserError('InvalidCredentials', `AWS rejected the request signature${doing}.`, {
      resolution: 'Check the secret access key, and that this machine\'s clock is correct.',
      cause: e,
    });
  }
  if (name === 'TokenProviderError' || /SSO session .*(expired|invalid)|token .*expired/i.test(message)) {
    return new UserError('ExpiredCredentials', `Your AWS SSO session has expired or is missing${doing}.`, {
      resolution: `Run aws sso login${profileHint} and try again.`,
      cause: e,
    });
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new UserError('NoCredentials', `No AWS credentials were found${doing}.`, {
      resolution: `Configure credentials (aws configure, aws sso login${profileHint}, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), or pass --profile NAME.`,
      cause: e,
    });
  }
  if (/^Region is missing/i.test(message) || name === 'RegionMissing') {
    return missingRegionError(ctx.profile, e);
  }
  if (
    ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError', 'UnauthorizedException', 'Forbidden'].includes(name) ||
    (e as AwsLikeError | null)?.$metadata?.httpStatusCode === 403
  ) {
    const { action, resource } = deniedAction(message);
    const what = action ? `${action}${resource ? ` on ${resource}` : ''}` : 'the request';
    return new UserError('AccessDenied', `Access denied${doing}: your identity is not allowed ${what}.`, {
      resolution: action
        ? `Grant ${action} to the identity you are using (see the IAM permissions in the README), or use another --profile.`
        : `Check the IAM permissions listed in the README for this command. AWS said: ${message}`,
      cause: e,
    });
  }
  if (THROTTLING_NAMES.has(name) || (e as AwsLikeError | null)?.$metadata?.httpStatusCode === 429) {
    return new UserError('Throttled', `AWS kept throttling our requests${doing}, after every retry.`, {
      resolution: 'Another tool may be using the same account\'s API budget. Wait a minute and run the command again.',
      cause: e,
    });
  }
  const netCode = (e as { code?: string } | null)?.code;
  if (netCode === 'ENOTFOUND' || netCode === 'EAI_AGAIN' || name === 'EndpointError' || /getaddrinfo ENOTFOUND/.test(message)) {
    const host = /ENOTFOUND\s+(\S+)/.exec(message)?.[1];
    return new UserError('UnknownEndpoint', `Could not reach the AWS endpoint${host ? ` ${host}` : ''}${doing}.`, {
      resolution: `Check the region${ctx.region ? ` (${ctx.region})` : ''} is a real AWS region, your network, and AWS_ENDPOINT_URL if you set one.`,
      cause: e,
    });
  }
  if (netCode === 'ECONNREFUSED' || netCode === 'ECONNRESET' || netCode === 'ETIMEDOUT') {
    return new UserError('NetworkError', `The connection to AWS failed${doing}: ${message}`, {
      resolution: 'Check your network (and AWS_ENDPOINT_URL if you set one), then run the command again.',
      cause: e,
    });
  }
  if (name && name !== 'Error' && name !== 'TypeError' && name !== 'RangeError' && (e as AwsLikeError | null)?.$metadata) {
    return new UserError(name, `AWS returned ${name}${doing}: ${message}`, { cause: e });
  }
  return new InternalError(message || String(e), { cause: e });
}

interface ResponseLike extends EndpointTag {
  statusCode?: number;
  headers?: Record<string, string | undefined>;
}

/** SigV4 signing names of the services we call, as people know them. */
const SERVICE_NAMES: Record<string, string> = {
  sts: 'STS',
  s3: 'S3',
  apigateway: 'API Gateway',
  cloudformation: 'CloudFormation',
  athena: 'Athena',
  quicksight: 'QuickSight',
  monitoring: 'CloudWatch',
  firehose: 'Firehose',
  glue: 'Glue',
};

/** "S3 at http://127.0.0.1:4566", from what the HTTP handler tagged (src/aws/http.ts). */
function where(tag: EndpointTag | undefined): string {
  const service = tag?.$service ? (SERVICE_NAMES[tag.$service] ?? tag.$service) : 'the AWS endpoint';
  return tag?.$endpoint ? `${service} at ${tag.$endpoint}` : service;
}

/** A connection or read timeout of the HTTP handler, after the SDK's retries. */
function timeoutError(e: unknown, doing: string): UserError | null {
  const err = e as (AwsLikeError & EndpointTag) | null;
  if (errorName(e) !== 'TimeoutError' && !err?.$timeout) return null;
  const seconds = err?.$timeout ? `${err.$timeout.ms / 1000} s` : 'the time allowed';
  const attempts = err?.$metadata && 'attempts' in err.$metadata ? Number((err.$metadata as { attempts?: number }).attempts) : 0;
  const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
  const connect = err?.$timeout?.kind === 'connect';
  return new UserError(
    'Timeout',
    connect ? `Could not connect to ${where(err ?? undefined)} within ${seconds}${doing}${tries}.` : `${capitalize(where(err ?? undefined))} did not answer within ${seconds}${doing}${tries}.`,
    {
      resolution: `Check your network, proxy and AWS_ENDPOINT_URL if you set one. To wait longer, pass ${connect ? '--cli-connect-timeout' : '--cli-read-timeout'} SECONDS (0 waits for ever).`,
      cause: e,
    },
  );
}

const AWS_REQUEST_ID_HEADERS = ['x-amzn-requestid', 'x-amz-request-id', 'x-amz-id-2', 'x-amzn-request-id'];

/**
 * An answer that did not come from AWS: a proxy's or captive portal's HTML page, a 404 from a wrong
 * AWS_ENDPOINT_URL. The SDK reports these as a parse error ("inspect the hidden field
 * {error}.$response") or as an unnamed NotFound/UnknownError. Every AWS answer carries a request id
 * header; without one, say what came back and from where.
 */
function notFromAws(e: unknown, doing: string): UserError | null {
  const response = (e as { $response?: ResponseLike } | null)?.$response;
  if (!response || typeof response !== 'object' || typeof response.statusCode !== 'number') return null;
  const headers = Object.fromEntries(Object.entries(response.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  if (AWS_REQUEST_ID_HEADERS.some((h) => headers[h])) return null;
  const type = headers['content-type'] ?? 'no content type';
  const message = errorMessage(e);
  const excerpt = /"(<[^"]*)"/.exec(message)?.[1] ?? /<title>([^<]{1,80})<\/title>/i.exec(message)?.[1];
  return new UserError('NotFromAws', `The answer from ${where(response)}${doing} did not come from AWS: HTTP ${response.statusCode}, ${type}${excerpt ? `, starting ${JSON.stringify(excerpt.slice(0, 60))}` : ''}.`, {
    resolution: 'A proxy, firewall or captive portal may be answering in AWS\'s place, or AWS_ENDPOINT_URL (or a profile\'s endpoint_url) points at the wrong server. Check them, then run the command again.',
    cause: e,
  });
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function missingRegionError(profile?: string, cause?: unknown): UserError {
  return new UserError('MissingRegion', 'No AWS region is configured.', {
    resolution: profile
      ? `Pass --region (for example --region us-east-1), or set region in profile "${profile}" of ~/.aws/config.`
      : 'Pass --region (for example --region us-east-1), set AWS_REGION, or set region in your AWS profile.',
    cause,
  });
}
