import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine } from '@ntpass/core';
import { TEST_SECRET } from '@ntpass/core/testing';
import { memoryStore } from '@ntpass/store-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpHandler } from '../../src/http-handler.js';

// The @redocly/cli binary this package depends on (devDependency), run as a user would.
const REDOCLY = join(dirname(fileURLToPath(import.meta.url)), '../../node_modules/.bin/redocly');

interface LintReport {
  readonly totals: { readonly errors: number; readonly warnings: number; readonly ignored: number };
  readonly problems: readonly { readonly ruleId: string; readonly message: string }[];
}

function lint(file: string): Promise<{ code: number; report: LintReport }> {
  return new Promise((resolve, reject) => {
    execFile(
      REDOCLY,
      ['lint', file, '--extends', 'recommended', '--format', 'json'],
      // Offline and quiet: no telemetry, no update check.
      { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        const start = stdout.indexOf('{');
        if (start < 0) {
          reject(new Error(`redocly printed no report (exit ${code}): ${stderr}`));
          return;
        }
        resolve({ code, report: JSON.parse(stdout.slice(start)) as LintReport });
      },
    );
  });
}

describe('the OpenAPI document against Redocly recommended lint', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ntpass-openapi-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function served(basePath: string): Promise<string> {
    const engine = createEngine({ store: memoryStore(), secret: TEST_SECRET });
    const handler = createHttpHandler(engine, { basePath, authorize: () => true });
    const response = await handler(new Request(`http://127.0.0.1${basePath}/openapi.json`));
    expect(response.status).toBe(200);
    const file = join(dir, `openapi${basePath.replaceAll('/', '-')}.json`);
    await writeFile(file, await response.text());
    return file;
  }

  it('passes with no error and no warning, at the root and under a base path', { timeout: 120_000 }, async () => {
    for (const basePath of ['', '/api/ntpass']) {
      const { code, report } = await lint(await served(basePath));
      expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`), basePath).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
      expect(code).toBe(0);
    }
  });

  it('fails a document without servers or license, so the lint is really run', { timeout: 120_000 }, async () => {
    const file = join(dir, 'bare.json');
    await writeFile(file, JSON.stringify({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths: {} }));
    const { code, report } = await lint(file);
    expect(code).not.toBe(0);
    expect(report.problems.map((p) => p.ruleId)).toEqual(expect.arrayContaining(['no-empty-servers', 'info-license']));
  });
});
