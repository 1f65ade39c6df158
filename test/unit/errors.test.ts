import { describe, expect, it } from 'vitest';
import { AbortError, CancelledError, deniedAction, fromAwsError, InternalError, isAppError, isThrottlingError, UsageError, UserError } from '../../src/errors.js';

const awsError = (name: string, message: string, status = 400) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('fromAwsError', () => {
  it.each([
    ['ExpiredToken', 'The security token included in the request is expired', 'ExpiredCredentials', /expired/, /aws sso login --profile dev/],
    ['ExpiredTokenException', 'token expired', 'ExpiredCredentials', /expired/, /aws sso login/],
    ['InvalidClientTokenId', 'The security token included in the request is invalid.', 'InvalidCredentials', /did not accept your credentials/, /aws sts get-caller-identity --profile dev/],
    ['UnrecognizedClientException', 'The security token included in the request is invalid.', 'InvalidCredentials', /did not accept/, /deleted, inactive/],
    ['SignatureDoesNotMatch', 'sig', 'InvalidCredentials', /signature/, /clock/],
    ['CredentialsProviderError', 'Could not load credentials from any providers', 'NoCredentials', /No AWS credentials were found/, /aws configure/],
    ['TokenProviderError', 'The SSO session associated with this profile has expired or is otherwise invalid.', 'ExpiredCredentials', /SSO session/, /aws sso login --profile dev/],
    ['TooManyRequestsException', 'Too Many Requests', 'Throttled', /throttling/, /Wait a minute/],
    ['ThrottlingException', 'Rate exceeded', 'Throttled', /throttling/, /Wait a minute/],
  ])('%s becomes %s', (name, message, code, messageRe, resolutionRe) => {
    const e = fromAwsError(awsError(name, message), { doing: 'listing REST APIs', profile: 'dev', region: 'eu-west-1' });
    expect(e.code).toBe(code);
    expect(e.kind).toBe('user');
    expect(e.exitCode).toBe(1);
    expect(e.message).toMatch(messageRe);
    expect(e.message).toContain('while listing REST APIs');
    expect(e.resolution).toMatch(resolutionRe);
  });

  it('names the denied action and resource', () => {
    const e = fromAwsError(
      awsError(
        'AccessDeniedException',
        'User: arn:aws:iam::111122223333:user/bob is not authorized to perform: apigateway:GET on resource: arn:aws:apigateway:us-east-1::/restapis because no identity-based policy allows the apigateway:GET action',
        403,
      ),
    );
    expect(e.code).toBe('AccessDenied');
    expect(e.message).toContain('apigateway:GET on arn:aws:apigateway:us-east-1::/restapis');
    expect(e.resolution).toContain('Grant apigateway:GET');
  });

  it('handles AccessDenied without a parsable action', () => {
    const e = fromAwsError(awsError('AccessDenied', 'Access Denied', 403));
    expect(e.code).toBe('AccessDenied');
    expect(e.resolution).toContain('AWS said: Access Denied');
  });

  it('maps the SDK missing-region error', () => {
    const e = fromAwsError(new Error('Region is missing'), { profile: 'prod' });
    expect(e.code).toBe('MissingRegion');
    expect(e.resolution).toContain('--region');
    expect(e.resolution).toContain('profile "prod"');
  });

  it('maps an unknown endpoint (DNS failure)', () => {
    const e = fromAwsError(Object.assign(new Error('getaddrinfo ENOTFOUND apigateway.xx-nowhere-1.amazonaws.com'), { code: 'ENOTFOUND' }), {
      region: 'xx-nowhere-1',
    });
    expect(e.code).toBe('UnknownEndpoint');
    expect(e.message).toContain('apigateway.xx-nowhere-1.amazonaws.com');
    expect(e.resolution).toContain('xx-nowhere-1');
    expect(e.resolution).toContain('AWS_ENDPOINT_URL');
  });

  it('keeps other AWS service errors readable and unknown errors internal', () => {
    expect(fromAwsError(awsError('NotFoundException', 'Invalid stage identifier specified', 404)).message).toBe(
      'AWS returned NotFoundException: Invalid stage identifier specified',
    );
    const internal = fromAwsError(new TypeError('x is undefined'));
    expect(internal).toBeInstanceOf(InternalError);
    expect(internal.resolution).toContain('bug');
  });

  it('passes our own errors through and turns prompt exits into cancels', () => {
    const mine = new UserError('X', 'mine');
    expect(fromAwsError(mine)).toBe(mine);
    expect(fromAwsError(Object.assign(new Error('User force closed the prompt'), { name: 'ExitPromptError' })).exitCode).toBe(130);
  });
});

describe('error kinds', () => {
  it('carry their exit codes and brands', () => {
    expect(new UserError('a', 'b').exitCode).toBe(1);
    expect(new UsageError('a', 'b').exitCode).toBe(2);
    expect(new AbortError().exitCode).toBe(1);
    expect(new CancelledError().exitCode).toBe(130);
    expect(isAppError(new UserError('a', 'b'))).toBe(true);
    expect(isAppError(new Error('x'))).toBe(false);
    // A structurally branded object from another copy of the module is still recognised.
    expect(isAppError(Object.assign(new Error('x'), { [Symbol.for('apigw-log-analytics.AppError')]: true }))).toBe(true);
  });

  it('recognises throttling by name or 429', () => {
    expect(isThrottlingError(awsError('TooManyRequestsException', 'x', 429))).toBe(true);
    expect(isThrottlingError(awsError('LimitExceededException', 'quota', 400))).toBe(false);
    expect(isThrottlingError(awsError('Whatever', 'x', 429))).toBe(true);
    expect(isThrottlingError(awsError('NotFoundException', 'x', 404))).toBe(false);
  });

  it('parses denied actions', () => {
    expect(deniedAction('is not authorized to perform: sts:GetCallerIdentity on resource: *.')).toEqual({
      action: 'sts:GetCallerIdentity',
      resource: '*',
    });
    expect(deniedAction('nothing here')).toEqual({});
  });
});

describe('fromAwsError: timeouts and answers not from AWS (issue 13)', () => {
  const tagged = <T extends object>(e: T, tags: Record<string, unknown>): T => {
    for (const [k, v] of Object.entries(tags)) Object.defineProperty(e, k, { value: v, enumerable: false });
    return e;
  };

  it('a connect timeout names the service, the endpoint, the time and the flag', () => {
    const e = tagged(Object.assign(new Error('@smithy/node-http-handler - the request socket did not establish a connection'), { name: 'TimeoutError', $metadata: { attempts: 3 } }), {
      $endpoint: 'https://s3.eu-west-1.amazonaws.com',
      $service: 's3',
      $timeout: { kind: 'connect', ms: 5000 },
    });
    const err = fromAwsError(e, { doing: 'reading s3://b/k (s3:GetObject)' });
    expect(err.code).toBe('Timeout');
    expect(err.message).toBe('Could not connect to S3 at https://s3.eu-west-1.amazonaws.com within 5 s while reading s3://b/k (s3:GetObject) (3 attempts).');
    expect(err.resolution).toContain('--cli-connect-timeout SECONDS');
  });

  it('a 404 without an AWS request id is not from AWS', () => {
    const e = Object.assign(new Error('UnknownError'), {
      name: 'NotFound',
      $metadata: { httpStatusCode: 404 },
      $response: tagged({ statusCode: 404, headers: { 'content-type': 'text/html' } }, { $endpoint: 'http://proxy:8080', $service: 'cloudformation' }),
    });
    const err = fromAwsError(e, { doing: 'listing stacks' });
    expect(err.code).toBe('NotFromAws');
    expect(err.message).toBe('The answer from CloudFormation at http://proxy:8080 while listing stacks did not come from AWS: HTTP 404, text/html.');
  });

  it('a proxy\'s 403 page is not reported as AWS denying the request', () => {
    const e = Object.assign(new Error('Forbidden'), { name: 'Forbidden', $metadata: { httpStatusCode: 403 }, $response: { statusCode: 403, headers: { 'content-type': 'text/html' } } });
    expect(fromAwsError(e).code).toBe('NotFromAws');
  });

  it('an AWS error with a request id stays an AWS error', () => {
    const e = Object.assign(new Error('Stack does not exist'), {
      name: 'ValidationError',
      $metadata: { httpStatusCode: 400, requestId: 'r1' },
      $response: { statusCode: 400, headers: { 'x-amzn-requestid': 'r1', 'content-type': 'text/xml' } },
    });
    expect(fromAwsError(e).code).toBe('ValidationError');
  });
});
