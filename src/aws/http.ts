/**
 * The HTTP handler every SDK client of a run shares, with a connection timeout and a read timeout
 * that really abort the attempt. In the @smithy/node-http-handler we pin (4.14.x), `requestTimeout`
 * only logs a warning unless `throwOnRequestTimeout` is set, while `connectionTimeout` (until the
 * socket connects) and `socketTimeout` (socket inactivity, i.e. a silent endpoint) destroy the
 * request and reject with a `TimeoutError`. We use those two, which is what the AWS CLI's
 * `--cli-connect-timeout` and `--cli-read-timeout` mean ("the maximum socket connect/read time in
 * seconds; 0 blocks and never times out; default 60":
 * https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-options.html).
 *
 * A timed-out attempt is tagged with the endpoint it was sent to, so the message can name it.
 */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions, HttpRequest } from '@smithy/types';

type HandledRequest = Parameters<NodeHttpHandler['handle']>[0];
import type { HttpTimeouts } from './settings.js';

/** Set on an error the handler threw: where the request went and which timeout ran out. */
export interface EndpointTag {
  $endpoint?: string;
  /** The signing name of the service (sts, s3, apigateway, cloudformation, ...). */
  $service?: string;
  $timeout?: { kind: 'connect' | 'read'; ms: number };
}

export function endpointOf(request: Pick<HttpRequest, 'protocol' | 'hostname' | 'port'>): string {
  const protocol = request.protocol.endsWith(':') ? request.protocol : `${request.protocol}:`;
  return `${protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}`;
}

/** The service's signing name, from the SigV4 credential scope (`.../<region>/<service>/aws4_request`). */
export function serviceOf(request: Pick<HttpRequest, 'headers'>): string | undefined {
  const auth = request.headers.authorization ?? request.headers.Authorization ?? '';
  return /\/[a-z0-9-]+\/([a-z0-9-]+)\/aws4_request/.exec(auth)?.[1];
}

function tag(target: object, request: HttpRequest): void {
  const where: EndpointTag = { $endpoint: endpointOf(request) };
  const service = serviceOf(request);
  if (service) where.$service = service;
  // Not enumerable: the SDK and our JSON output never see them.
  for (const [k, v] of Object.entries(where)) if (!(k in target)) Object.defineProperty(target, k, { value: v, enumerable: false });
}

class TimedHttpHandler extends NodeHttpHandler {
  constructor(private readonly timeouts: HttpTimeouts) {
    super({
      // 0 (or undefined) means no timer at all in this handler.
      connectionTimeout: timeouts.connectMs,
      socketTimeout: timeouts.readMs,
    });
  }

  override async handle(request: HandledRequest, options?: HttpHandlerOptions): ReturnType<NodeHttpHandler['handle']> {
    try {
      const out = await super.handle(request, options);
      // A response the SDK cannot parse (a proxy's HTML page) becomes the error's $response: say where it came from.
      tag(out.response, request);
      return out;
    } catch (e) {
      if (e && typeof e === 'object') {
        tag(e, request);
        const tagged = e as Error & EndpointTag;
        if (tagged.name === 'TimeoutError') {
          const connect = /establish a connection/.test(tagged.message);
          tagged.$timeout = { kind: connect ? 'connect' : 'read', ms: connect ? this.timeouts.connectMs : this.timeouts.readMs };
        }
      }
      throw e;
    }
  }
}

export function createHttpHandler(timeouts: HttpTimeouts): NodeHttpHandler {
  return new TimedHttpHandler(timeouts);
}
