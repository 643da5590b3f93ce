import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApiDocument } from '../../src/openapi/build-document.js';
import { toJsonSchema, type JsonSchema } from '../../src/openapi/json-schema.js';
import { ntpRoutes } from '../../src/routes/ntp-routes.js';
import { echoRoutes } from '../fixtures/echo-routes.js';

const info = { basePath: '/api', title: 'test', version: '1' };

describe('buildOpenApiDocument', () => {
  const doc = buildOpenApiDocument(echoRoutes, info) as unknown as {
    openapi: string;
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: { schemas: Record<string, JsonSchema> };
  };

  it('lists every route under basePath with its method and operationId', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/public/{tenantId}', '/api/things/{tenantId}']);
    expect(Object.keys(doc.paths['/api/things/{tenantId}'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(doc.paths['/api/things/{tenantId}']?.['post']?.['operationId']).toBe('createThing');
  });

  it('takes the request body schema from the route schema that validates it', () => {
    const post = doc.paths['/api/things/{tenantId}']?.['post'] ?? {};
    expect(post['requestBody']).toEqual({
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/createThingBody' } } },
    });
    expect(doc.components.schemas['createThingBody']).toEqual({
      type: 'object',
      properties: { name: { type: 'string' }, n: { type: 'number' } },
      required: ['name'],
      additionalProperties: false,
    });
  });

  it('turns the query schema into query parameters and path braces into path parameters', () => {
    const get = doc.paths['/api/things/{tenantId}']?.['get'] ?? {};
    expect(get['parameters']).toEqual([
      { name: 'tenantId', in: 'path', required: true, schema: { type: 'string', minLength: 1 } },
      { name: 'count', in: 'query', required: false, schema: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 } },
    ]);
  });

  it('wraps data in the success envelope and lists the error statuses with their envelope', () => {
    const post = doc.paths['/api/things/{tenantId}']?.['post'] ?? {};
    const responses = post['responses'] as Record<string, { content: unknown }>;
    expect(Object.keys(responses)).toEqual(['201', '400', '401', '413', '415', '500', '503']);
    expect(doc.components.schemas['createThingResponse']).toEqual({
      type: 'object',
      properties: {
        status: { type: 'string', const: 'success' },
        data: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false },
      },
      required: ['status', 'data'],
      additionalProperties: false,
    });
    expect(responses['401']?.content).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } });
  });

  it('lists 415 on every route that reads a JSON body, and the streamed formats of bulk issue', () => {
    const ntp = buildOpenApiDocument(ntpRoutes, info) as unknown as typeof doc;
    const operations = Object.values(ntp.paths).flatMap((methods) => Object.values(methods));
    const withBody = operations.filter((o) => o['requestBody'] !== undefined);
    expect(withBody.length).toBeGreaterThan(3);
    for (const o of withBody) expect(Object.keys(o['responses'] as object), String(o['operationId'])).toContain('415');
    for (const o of operations.filter((o) => o['requestBody'] === undefined)) expect(Object.keys(o['responses'] as object)).not.toContain('415');
    const bulk = operations.find((o) => o['operationId'] === 'issueNtpCodes')!;
    const created = (bulk['responses'] as Record<string, { content: Record<string, { schema: unknown; example?: string }> }>)['201']!;
    expect(Object.keys(created.content)).toEqual(['application/json', 'application/x-ndjson', 'text/csv']);
    expect(created.content['application/x-ndjson']).toMatchObject({ schema: { type: 'string' } });
    expect(created.content['text/csv']?.example).toMatch(/^token,userId\r\n/);
  });

  it('marks operator routes with the operator security scheme and public ones with none', () => {
    expect(doc.paths['/api/things/{tenantId}']?.['post']?.['security']).toEqual([{ operator: [] }]);
    expect(doc.paths['/api/public/{tenantId}']?.['post']?.['security']).toEqual([]);
  });

  it('leaves no dangling $ref', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const name = /#\/components\/schemas\/([^"]+)"/.exec(ref)?.[1];
      expect(name, ref).toBeDefined();
      expect(doc.components.schemas[name as string], ref).toBeDefined();
    }
  });
});

describe('toJsonSchema', () => {
  it('drops the Date branch of a time input, which JSON cannot carry', () => {
    const time = z.union([z.date(), z.number(), z.string()]).transform(Number);
    const defs = {};
    expect(toJsonSchema(z.strictObject({ at: time.nullable().optional() }), 'input', 'T', defs)).toEqual({
      type: 'object',
      properties: { at: { anyOf: [{ anyOf: [{ type: 'number' }, { type: 'string' }] }, { type: 'null' }] } },
      additionalProperties: false,
    });
  });

  it('moves recursive definitions into components and rewrites their references', () => {
    const defs: Record<string, JsonSchema> = {};
    const schema = toJsonSchema(z.strictObject({ data: z.json() }), 'input', 'X', defs);
    expect(schema['properties']).toEqual({ data: { $ref: '#/components/schemas/X___schema0' } });
    expect(JSON.stringify(defs['X___schema0'])).toContain('"$ref":"#/components/schemas/X___schema0"');
  });
});
