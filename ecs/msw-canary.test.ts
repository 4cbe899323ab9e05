import { ListTasksCommand } from '@aws-sdk/client-ecs';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEcsClient } from './aws-clients.ts';
import { AMZ_JSON, fastClientOptions } from './testdata/aws-wire.ts';

// Proves that msw intercepts the AWS SDK's real HTTP path in this tree (see the recipe's note on
// @smithy/node-http-handler 4.5.0–4.7.6): if it did not, the call would leave the machine or fail on DNS.
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('msw canary', () => {
  it('intercepts an SDK call and the parsed result comes from the fixture', async () => {
    let hits = 0;
    let target = '';
    server.use(
      http.post('https://ecs.:region.amazonaws.com/', ({ request }) => {
        hits++;
        target = request.headers.get('x-amz-target') ?? '';
        return HttpResponse.json(
          { taskArns: ['arn:aws:ecs:eu-west-1:123456789012:task/canary/0f00d'], nextToken: 'canary-token' },
          { headers: AMZ_JSON },
        );
      }),
    );
    const ecs = createEcsClient('eu-west-1', fastClientOptions());
    const out = await ecs.send(new ListTasksCommand({ cluster: 'canary' }));
    expect(hits).toBe(1);
    expect(target).toBe('AmazonEC2ContainerServiceV20141113.ListTasks');
    expect(out.taskArns).toEqual(['arn:aws:ecs:eu-west-1:123456789012:task/canary/0f00d']);
    expect(out.nextToken).toBe('canary-token');
    ecs.destroy();
  });
});
