import { z } from 'zod';
import { problemJson } from './schemas.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One documented operation. The schemas are the same objects the handlers validate with. */
export interface RouteDoc {
  method: Method;
  /** OpenAPI path, e.g. `/v1/domains/{hostname}`. */
  path: string;
  summary: string;
  tags: string[];
  auth: 'bearer' | 'node' | 'none';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Success responses; problem responses are listed by status in `problems`. */
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
  problems?: number[];
}

function schemaOf(s: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
}

function stripDialect(s: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = s;
  return rest;
}

/** Collects route docs and renders an OpenAPI 3.1 document. */
export class ApiDocs {
  readonly routes: RouteDoc[] = [];

  add(doc: RouteDoc): void {
    this.routes.push(doc);
  }

  document(info: { title: string; version: string }): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.routes) {
      const parameters: unknown[] = [];
      for (const [where, obj] of [
        ['path', r.params],
        ['query', r.query],
      ] as const) {
        if (!obj) continue;
        for (const [name, field] of Object.entries(obj.shape)) {
          const f = field as z.ZodType;
          parameters.push({
            name,
            in: where,
            required: where === 'path' || !f.safeParse(undefined).success,
            schema: stripDialect(schemaOf(f)),
          });
        }
      }
      const responses: Record<string, unknown> = {};
      for (const [status, res] of Object.entries(r.responses)) {
        responses[status] = {
          description: res.description,
          ...(res.schema
            ? { content: { [res.contentType ?? 'application/json']: { schema: stripDialect(schemaOf(res.schema)) } } }
            : {}),
        };
      }
      for (const status of [...(r.problems ?? []), ...(r.auth === 'none' ? [] : [401]), 500]) {
        responses[String(status)] ??= {
          description: 'Problem details (RFC 9457)',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        };
      }
      paths[r.path] ??= {};
      paths[r.path]![r.method] = {
        summary: r.summary,
        tags: r.tags,
        operationId: `${r.method}${r.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ? ch.toUpperCase() : ''))}`,
        ...(r.auth === 'none' ? { security: [] } : r.auth === 'node' ? { security: [{ nodeToken: [] }] } : {}),
        ...(parameters.length ? { parameters } : {}),
        ...(r.body
          ? {
              requestBody: {
                required: true,
                content: { 'application/json': { schema: stripDialect(schemaOf(r.body)) } },
              },
            }
          : {}),
        responses,
      };
    }
    return {
      openapi: '3.1.0',
      info,
      security: [{ bearer: [] }],
      paths,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'One of CADDY_FLEET_API_TOKENS' },
          nodeToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'CADDY_FLEET_NODE_TOKEN (Caddy nodes pulling their config)',
          },
        },
        schemas: { Problem: stripDialect(schemaOf(problemJson)) },
      },
    };
  }
}
