// A merchant's developer generates a typed client from /v1/openapi.json with openapi-typescript and
// calls Porte through openapi-fetch: the generated types must accept what the API takes (limit: 5)
// and refuse what it does not, and the calls must work against a real server (`npm start`'s entry).
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PorteServer, repoRoot, startServer } from './harness/server.ts';

const dir = join(repoRoot, 'test-output', 'openapi-client');

/**
 * The developer's code. The @ts-expect-error lines prove the types are precise (not `any`): a
 * string limit, an unknown field and a missing required field are each refused by tsc.
 */
const scenario = `import createClient from 'openapi-fetch';
import type { paths } from './schema.ts';

const base = process.env.PORTE_URL ?? '';
const porte = createClient<paths>({ baseUrl: base, headers: { Authorization: \`Bearer \${process.env.PORTE_KEY}\` } });
const reference = \`gen-\${Date.now()}\`;

const created = await porte.POST('/v1/customers', {
  body: { reference, email: \`\${reference}@example.com\`, first_name: 'Ada', language: 'en', billing_address: { line1: '1 rue Lovelace', postal_code: '75001', city: 'Paris', country: 'FR' } },
  headers: { 'Idempotency-Key': reference },
});
if (!created.data) throw new Error(\`create failed: \${JSON.stringify(created.error)}\`);
const id: string = created.data.id;

const listed = await porte.GET('/v1/customers', { params: { query: { limit: 5 } } });
if (!listed.data) throw new Error(\`list failed: \${JSON.stringify(listed.error)}\`);
const ids: string[] = listed.data.data.map((c) => c.id);

const session = await porte.POST('/v1/checkout_sessions', {
  body: { offer: 'pro-monthly', customer_reference: reference, success_url: \`\${base}/demo?thanks=1\`, cancel_url: \`\${base}/demo\` },
});
if (!session.data) throw new Error(\`checkout failed: \${JSON.stringify(session.error)}\`);
const status: 'open' | 'complete' | 'expired' = session.data.status;

const bad = await porte.GET('/v1/customers', { params: { query: { limit: 500 } } });

export function neverCalled() {
  // @ts-expect-error limit is an integer, not text
  void porte.GET('/v1/customers', { params: { query: { limit: '5' } } });
  // @ts-expect-error a language is en or fr
  void porte.POST('/v1/customers', { body: { language: 'de' } });
  // @ts-expect-error a checkout session needs an offer
  void porte.POST('/v1/checkout_sessions', { body: { success_url: 'https://x.example', cancel_url: 'https://x.example' } });
}

console.log(JSON.stringify({ id, reference, ids, session: { id: session.data.id, url: session.data.url, status, customer_reference: session.data.customer_reference }, bad: { status: bad.response.status, param: bad.error?.error.param } }));
`;

function typecheck(file: string): string[] {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(repoRoot, 'node_modules/@types')],
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

let server: PorteServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.stop());

describe('a client generated from /v1/openapi.json', () => {
  it('typechecks a create / list (limit: 5) / checkout scenario and runs it against the server', async () => {
    mkdirSync(dir, { recursive: true });
    const doc = await (await fetch(`${server.url}/v1/openapi.json`)).json();
    writeFileSync(join(dir, 'schema.ts'), astToString(await openapiTS(doc)));
    const file = join(dir, 'scenario.ts');
    writeFileSync(file, scenario);

    expect(typecheck(file)).toEqual([]);

    const { stdout } = await promisify(execFile)(join(repoRoot, 'node_modules/.bin/tsx'), [file], {
      cwd: repoRoot,
      env: { ...process.env, PORTE_URL: server.url, PORTE_KEY: server.secretKey },
      timeout: 60_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(result.ids.length).toBeLessThanOrEqual(5);
    expect(result.ids).toContain(result.id);
    expect(result.session).toMatchObject({ status: 'open', customer_reference: result.reference });
    expect(result.session.url.startsWith(`${server.url}/checkout/cs_`)).toBe(true);
    expect(result.bad).toEqual({ status: 400, param: 'limit' });

    // Checked without the generated client: the session exists on the server as the client saw it.
    const res = await fetch(`${server.url}/v1/checkout_sessions/${result.session.id}`, { headers: { Authorization: `Bearer ${server.secretKey}` } });
    expect(((await res.json()) as { offer: string }).offer).toBeTruthy();
  }, 120_000);
});
