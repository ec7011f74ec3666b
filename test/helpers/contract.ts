// The OpenAPI document as a test oracle: the Worker's own /openapi.json, compiled with Ajv (OpenAPI 3.1
// schemas are JSON Schema 2020-12). harness.ts checks every response against it; the security table and
// the fuzzer (test/integration/contract-*.test.ts) enumerate operations from it.
import { exports } from 'cloudflare:workers';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ADMIN_TOKEN, type TestAccount } from './harness';

export type Schema = Record<string, any>;
export interface Operation {
  method: string;
  path: string;
  id: string;
  op: Schema;
  pattern: RegExp;
}

let docPromise: Promise<Schema> | undefined;
/** The document the Worker serves (fetched once per test file). */
export function openApiDoc(): Promise<Schema> {
  docPromise ??= exports.default
    .fetch(new Request('https://callplane.test/openapi.json'))
    .then((r) => r.json() as Promise<Schema>);
  return docPromise;
}

const METHODS = ['get', 'post', 'patch', 'put', 'delete'];

export async function operations(): Promise<Operation[]> {
  const doc = await openApiDoc();
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<Schema>(doc.paths)) {
    const pattern = new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    for (const method of METHODS) {
      if (item[method]) out.push({ method, path, id: item[method].operationId, op: item[method], pattern });
    }
  }
  return out;
}

/** `/v1/calls/{id}` for `/v1/calls/call_1?x=y`, or undefined for a path the document does not describe. */
export async function operationFor(method: string, url: string): Promise<Operation | undefined> {
  const path = new URL(url, 'https://callplane.test').pathname;
  const ops = (await operations()).filter((o) => o.method === method.toLowerCase() && o.pattern.test(path));
  // A literal segment beats a parameter (`/calls/batch` before `/calls/{id}`).
  return ops.sort((a, b) => a.path.split('{').length - b.path.split('{').length)[0];
}

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();
/** A validator for the schema at `pointer` inside the document (its $refs resolve against the document). */
export async function validatorAt(pointer: string): Promise<ValidateFunction> {
  let v = compiled.get(pointer);
  if (v) return v;
  if (!ajv) {
    ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
    addFormats(ajv);
    ajv.addSchema(await openApiDoc(), 'openapi');
  }
  v = ajv.compile({ $ref: `openapi#${pointer}` });
  compiled.set(pointer, v);
  return v;
}

export const pointerTo = (...parts: string[]) =>
  parts.map((p) => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

export const counts = { validated: 0, operations: new Set<string>() };

/**
 * Throws unless the response is one the document declares for this operation: the status is listed,
 * the content type is one it lists, and the body validates against that schema.
 */
export async function checkResponse(
  method: string,
  url: string,
  res: { status: number; headers: Headers; text: string },
): Promise<void> {
  const found = await operationFor(method, url);
  if (!found) return;
  const where = `${method.toUpperCase()} ${found.path} → ${res.status}`;
  const declared = found.op.responses?.[String(res.status)];
  if (!declared) {
    throw new Error(
      `${where}: status not in the document (${Object.keys(found.op.responses).join(', ')}): ${res.text.slice(0, 200)}`,
    );
  }
  counts.validated++;
  counts.operations.add(found.id);
  const media = Object.keys(declared.content ?? {});
  if (!media.length) return;
  const type = (res.headers.get('content-type') ?? '').split(';')[0].trim();
  if (!media.includes(type))
    throw new Error(`${where}: content type ${type}, documented ${media.join(', ')}`);
  let body: unknown = res.text;
  if (type === 'application/json') body = JSON.parse(res.text);
  const validate = await validatorAt(
    pointerTo('paths', found.path, found.method, 'responses', String(res.status), 'content', type, 'schema'),
  );
  if (!validate(body)) {
    const e = validate.errors?.[0];
    throw new Error(
      `${where}: body does not match the document at ${e?.instancePath || '/'} (${e?.message}; ${JSON.stringify(e?.params)}): ${res.text.slice(0, 300)}`,
    );
  }
}

export type Credential = (acct: TestAccount) => { headers: Record<string, string>; query?: string };
/** How each security scheme in the document is presented, right and wrong. */
export const SCHEMES: Record<string, { right: Credential; wrong: Array<Credential> }> = {
  bearer: {
    right: (a) => ({ headers: { Authorization: `Bearer ${a.key}` } }),
    wrong: [
      () => ({ headers: { Authorization: `Bearer sk_test_${'a'.repeat(32)}` } }),
      (a) => ({
        headers: { Authorization: `Bearer ${a.key.slice(0, -1)}${a.key.endsWith('a') ? 'b' : 'a'}` },
      }),
      () => ({ headers: { Authorization: 'Bearer nonsense' } }),
    ],
  },
  admin: {
    right: () => ({ headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } }),
    wrong: [
      (a) => ({ headers: { Authorization: `Bearer ${a.key}` } }),
      () => ({ headers: { Authorization: 'Bearer x' } }),
    ],
  },
  moja_auth_key: {
    right: (a) => ({ headers: {}, query: `moja_auth_key=${encodeURIComponent(a.webhookAuthKey)}` }),
    wrong: [(a) => ({ headers: {}, query: `moja_auth_key=${encodeURIComponent(`${a.webhookAuthKey}x`)}` })],
  },
  moja_auth_header: {
    right: (a) => ({ headers: { 'X-Moja-Auth-Key': a.webhookAuthKey } }),
    wrong: [() => ({ headers: { 'X-Moja-Auth-Key': `whk_${'0'.repeat(40)}` } })],
  },
  'private_key+public_key': {
    right: (a) => ({ headers: { 'x-public-key': a.ingestPublicKey, 'x-private-key': a.ingestPrivateKey } }),
    wrong: [
      (a) => ({ headers: { 'x-public-key': a.ingestPublicKey, 'x-private-key': `${a.ingestPrivateKey}x` } }),
      (a) => ({ headers: { 'x-public-key': a.ingestPublicKey } }),
    ],
  },
};

/** Every way the operation may be authenticated (each security requirement, schemes joined by +). */
export async function requirements(op: Operation): Promise<string[]> {
  const reqs: Array<Record<string, string[]>> = op.op.security ?? (await openApiDoc()).security;
  return reqs.map((r) => Object.keys(r).sort().join('+'));
}
