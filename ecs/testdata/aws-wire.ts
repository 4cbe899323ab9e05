import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { HttpResponse } from 'msw';
import type { AwsClientOptions } from '../aws-clients.ts';

/** Test-only helpers for answering AWS SDK requests at the HTTP level with msw. */

/** Static credentials: no IMDS or profile lookups from tests. */
export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
export const AMZ_JSON = { 'content-type': 'application/x-amz-json-1.1' };
export const ACCOUNT = '123456789012';

/** Client options for tests: static credentials and `attempts` tries with no backoff delay. */
export function fastClientOptions(attempts = 3): AwsClientOptions {
  return { credentials: TEST_CREDENTIALS, retryStrategy: new ConfiguredRetryStrategy(attempts, () => 0) };
}

/** One request seen by a fixture handler. */
export interface AwsCall {
  service: 'ecs' | 'ec2' | 'globalaccelerator' | 'efs';
  operation: string;
  region: string;
  body: unknown;
}

/**
 * Injected faults per operation: how many of the next calls fail (`Infinity` = all), and how.
 * `throttle` answers the service's throttling error; `error` a non-retryable access-denied error.
 */
export type Faults = Map<string, { remaining: number; kind: 'throttle' | 'error' }>;

/** Consumes one fault for `operation`, if any is pending. */
export function takeFault(faults: Faults, operation: string): 'throttle' | 'error' | undefined {
  const fault = faults.get(operation);
  if (!fault || fault.remaining <= 0) return undefined;
  fault.remaining -= 1;
  return fault.kind;
}

/** The operation of an awsJson1_1 request (`AmazonEC2ContainerServiceV20141113.ListTasks` → `ListTasks`). */
export function awsJsonOperation(request: Request): string {
  return (request.headers.get('x-amz-target') ?? '').split('.')[1] ?? '';
}

/** An awsJson1_1 error response (ECS, Global Accelerator). */
export function awsJsonError(type: string, message: string, status = 400): Response {
  return HttpResponse.json({ __type: type, message }, { status, headers: { ...AMZ_JSON, 'x-amzn-ErrorType': type } });
}

/** An awsJson1_1 error for an injected fault. */
export function awsJsonFault(kind: 'throttle' | 'error'): Response {
  return kind === 'throttle'
    ? awsJsonError('ThrottlingException', 'Rate exceeded')
    : awsJsonError('AccessDeniedException', 'User is not authorized to perform this action');
}

/** An ec2Query XML error response, e.g. `RequestLimitExceeded` (503) or `UnauthorizedOperation` (403). */
export function ec2Error(code: string, message: string, status: number): Response {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>5f6a7b8c-0000-4000-8000-000000000000</RequestID></Response>`;
  return new HttpResponse(xml, { status, headers: { 'content-type': 'text/xml;charset=UTF-8' } });
}

/** A restJson1 error response (EFS). */
export function restJsonError(type: string, message: string, status: number): Response {
  return HttpResponse.json({ ErrorCode: type, Message: message }, { status, headers: { 'x-amzn-ErrorType': type } });
}

/** Opaque pagination tokens, as AWS's are: base64 of an offset. */
export function encodeToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64');
}

export function decodeToken(token: string | null | undefined): number {
  if (!token) return 0;
  return Number(Buffer.from(token, 'base64').toString().replace('offset:', ''));
}
