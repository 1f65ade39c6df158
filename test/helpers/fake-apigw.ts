/**
 * A stateful stand-in for API Gateway's REST stage APIs behind aws-sdk-client-mock: GetRestApis,
 * GetStages, GetStage and UpdateStage work on an in-memory account, UpdateStage applies the patch
 * operations the way the service does for accessLogSettings, and an optional server-side budget
 * answers 429 when calls come too fast.
 */
import type { AwsClientStub } from 'aws-sdk-client-mock';
import {
  GetRestApisCommand,
  GetStageCommand,
  GetStagesCommand,
  NotFoundException,
  TooManyRequestsException,
  UpdateStageCommand,
  type APIGatewayClient,
  type Stage,
} from '@aws-sdk/client-api-gateway';
import {
  BadRequestException as V2BadRequestException,
  DeleteAccessLogSettingsCommand,
  GetApisCommand,
  GetStageCommand as V2GetStageCommand,
  GetStagesCommand as V2GetStagesCommand,
  NotFoundException as V2NotFoundException,
  TooManyRequestsException as V2TooManyRequestsException,
  UpdateStageCommand as V2UpdateStageCommand,
  type ApiGatewayV2Client,
  type Stage as V2Stage,
} from '@aws-sdk/client-apigatewayv2';

type ApiGatewayMock = AwsClientStub<APIGatewayClient>;

export interface FakeAccount {
  apis: Array<{ id: string; name: string; stages: Stage[] }>;
}

export interface FakeOptions {
  /** Return false to answer this call with TooManyRequestsException. */
  admit?: (operation: string, input: Record<string, unknown>) => boolean;
  /** Every call, in order: "GetStage a1/prod", "UpdateStage a1/prod". */
  log?: string[];
  /** Awaited before every call ("UpdateStage", input), so a test can run another command in the middle of one. */
  before?: (operation: string, input: Record<string, unknown>) => Promise<void> | void;
}

export function throttled(): TooManyRequestsException {
  return new TooManyRequestsException({ message: 'Too Many Requests', $metadata: { httpStatusCode: 429 } });
}

export function installFakeApiGateway(mock: ApiGatewayMock, account: FakeAccount, options: FakeOptions = {}): void {
  const find = (apiId: string, stageName: string) => {
    const api = account.apis.find((a) => a.id === apiId);
    const stage = api?.stages.find((s) => s.stageName === stageName);
    if (!stage) throw new NotFoundException({ message: 'Invalid stage identifier specified', $metadata: { httpStatusCode: 404 } });
    return stage;
  };
  const gate = async (op: string, input: Record<string, unknown>, label: string) => {
    await options.before?.(op, input);
    options.log?.push(`${op} ${label}`);
    if (options.admit && !options.admit(op, input)) throw throttled();
  };
  mock.on(GetRestApisCommand).callsFake(async (input: Record<string, unknown>) => {
    await gate('GetRestApis', input, '');
    return { items: account.apis.map((a) => ({ id: a.id, name: a.name })) };
  });
  mock.on(GetStagesCommand).callsFake(async (input: { restApiId: string }) => {
    await gate('GetStages', input, input.restApiId);
    return { item: structuredClone(account.apis.find((a) => a.id === input.restApiId)?.stages ?? []) };
  });
  mock.on(GetStageCommand).callsFake(async (input: { restApiId: string; stageName: string }) => {
    await gate('GetStage', input, `${input.restApiId}/${input.stageName}`);
    return structuredClone(find(input.restApiId, input.stageName));
  });
  mock.on(UpdateStageCommand).callsFake(async (input: { restApiId: string; stageName: string; patchOperations: Array<{ op: string; path: string; value?: string }> }) => {
    await gate('UpdateStage', input, `${input.restApiId}/${input.stageName}`);
    const stage = find(input.restApiId, input.stageName);
    for (const p of input.patchOperations) {
      if (p.op === 'remove' && p.path === '/accessLogSettings') delete stage.accessLogSettings;
      else if (p.op === 'replace' && p.path === '/accessLogSettings/destinationArn') stage.accessLogSettings = { ...stage.accessLogSettings, destinationArn: p.value };
      else if (p.op === 'replace' && p.path === '/accessLogSettings/format') stage.accessLogSettings = { ...stage.accessLogSettings, format: p.value };
      else throw new Error(`fake API Gateway: unsupported patch ${JSON.stringify(p)}`);
    }
    return structuredClone(stage);
  });
}

// ---------------------------------------------------------------------------------------------
// HTTP and WebSocket APIs (apigatewayv2)

type ApiGatewayV2Mock = AwsClientStub<ApiGatewayV2Client>;

export interface FakeV2Account {
  apis: Array<{ id: string; name: string; protocol: 'HTTP' | 'WEBSOCKET'; stages: V2Stage[] }>;
}

function v2NotFound(): V2NotFoundException {
  return new V2NotFoundException({ message: 'Invalid stage identifier specified', $metadata: { httpStatusCode: 404 } });
}

/**
 * GetApis, GetStages, GetStage, UpdateStage (AccessLogSettings replaces the stage's whole
 * settings, as the service does) and DeleteAccessLogSettings on an in-memory account. A WebSocket
 * API whose account has no CloudWatch role answers UpdateStage with the service's BadRequest.
 */
export function installFakeApiGatewayV2(mock: ApiGatewayV2Mock, account: FakeV2Account, options: FakeOptions & { webSocketLoggingRole?: boolean } = {}): void {
  const api = (id: string) => account.apis.find((a) => a.id === id);
  const find = (apiId: string, stageName: string) => {
    const stage = api(apiId)?.stages.find((s) => s.StageName === stageName);
    if (!stage) throw v2NotFound();
    return stage;
  };
  const gate = (op: string, input: Record<string, unknown>, label: string) => {
    options.log?.push(`${op} ${label}`);
    if (options.admit && !options.admit(op, input)) throw new V2TooManyRequestsException({ message: 'Too Many Requests', $metadata: { httpStatusCode: 429 } });
  };
  mock.on(GetApisCommand).callsFake((input: Record<string, unknown>) => {
    gate('GetApis', input, '');
    return { Items: account.apis.map((a) => ({ ApiId: a.id, Name: a.name, ProtocolType: a.protocol, RouteSelectionExpression: 'x' })) };
  });
  mock.on(V2GetStagesCommand).callsFake((input: { ApiId: string }) => {
    gate('GetStages', input, input.ApiId);
    const found = api(input.ApiId);
    if (!found) throw v2NotFound();
    return { Items: structuredClone(found.stages) };
  });
  mock.on(V2GetStageCommand).callsFake((input: { ApiId: string; StageName: string }) => {
    gate('GetStage', input, `${input.ApiId}/${input.StageName}`);
    return structuredClone(find(input.ApiId, input.StageName));
  });
  mock.on(V2UpdateStageCommand).callsFake((input: { ApiId: string; StageName: string; AccessLogSettings?: { DestinationArn?: string; Format?: string } }) => {
    gate('UpdateStage', input, `${input.ApiId}/${input.StageName}`);
    const stage = find(input.ApiId, input.StageName);
    if (api(input.ApiId)?.protocol === 'WEBSOCKET' && options.webSocketLoggingRole === false) {
      throw new V2BadRequestException({ message: 'CloudWatch Logs role ARN must be set in account settings to enable logging', $metadata: { httpStatusCode: 400 } });
    }
    if (input.AccessLogSettings) stage.AccessLogSettings = { ...input.AccessLogSettings };
    return structuredClone(stage);
  });
  mock.on(DeleteAccessLogSettingsCommand).callsFake((input: { ApiId: string; StageName: string }) => {
    gate('DeleteAccessLogSettings', input, `${input.ApiId}/${input.StageName}`);
    delete find(input.ApiId, input.StageName).AccessLogSettings;
    return {};
  });
}
