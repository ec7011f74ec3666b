// Schema-driven fuzzing of every documented operation that takes input: bodies, queries and headers the
// document calls valid are never refused with 400 (positive acceptance); ones it calls invalid, checked
// with Ajv against the same document, always are (negative rejection); nothing answers 5xx. Each answer
// is also checked against its documented response by the harness. Operations come from /openapi.json,
// so a new route is fuzzed without anyone adding it here.
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { badQueryValue, mutation, resolver, valid } from '../helpers/arbitrary';
import {
  type Operation,
  openApiDoc,
  operations,
  pointerTo,
  requirements,
  SCHEMES,
  type Schema,
  validatorAt,
} from '../helpers/contract';
import { createAccount, request, type TestAccount } from '../helpers/harness';
import { acceptAnyCredentials, ownershipFixture } from '../helpers/provider-fixtures';
import { installReceiver, onHost } from '../helpers/receiver';

/** Runs per operation and direction: small, so the file stays well under a minute on a shared machine. */
const RUNS = 6;

let acct: TestAccount;
let doc: Schema;
let ops: Operation[];
beforeAll(async () => {
  // Webhook endpoints made from the document's example URLs are answered here, never on the network.
  installReceiver();
  for (const host of ['example.com', 'hooks.example.org']) onHost(host, () => new Response('ok'));
  // Twilio numbers and WhatsApp ids the fuzzer registers are looked up at the fixture servers (none listed: 422).
  for (const host of ['twilio.test', 'graph.test'])
    onHost(host, (req) => ownershipFixture(req) ?? new Response(null, { status: 404 }));
  // Saved credentials are checked with the provider: here any well-formed ones are an active account (the
  // fuzzer tests the document's validation; provider-credentials.test.ts the provider's refusals).
  acceptAnyCredentials(true);
  acct = await createAccount('enterprise', {
    limits: {
      calls_per_minute: 100_000,
      concurrent_calls: 100_000,
      api_per_minute: 100_000,
      webhooks_per_minute: 100_000,
    },
  });
  doc = await openApiDoc();
  // Operations without input have nothing to fuzz (and some rotate this account's credentials).
  ops = (await operations()).filter(
    (o) => bodySchema(o) || params(o, 'query').length || params(o, 'header').length,
  );
});

interface Input {
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
}

const params = (op: Operation, where: string): Schema[] =>
  (op.op.parameters ?? []).filter((p: Schema) => p.in === where);
const bodyPointer = (op: Operation) =>
  pointerTo('paths', op.path, op.method, 'requestBody', 'content', 'application/json', 'schema');
const bodySchema = (op: Operation): Schema | undefined =>
  op.op.requestBody?.content?.['application/json']?.schema;

async function send(op: Operation, input: Input) {
  const scheme = (await requirements(op))[0];
  const cred = SCHEMES[scheme].right(acct);
  let path = op.path.replace(/\{(\w+)\}/g, (_, n) => encodeURIComponent(input.params[n]));
  const query = new URLSearchParams(input.query);
  if (cred.query) for (const [k, v] of new URLSearchParams(cred.query)) query.set(k, v);
  if ([...query].length) path += `?${query}`;
  return request(op.method.toUpperCase(), path, {
    headers: { ...input.headers, ...cred.headers },
    ...(input.body !== undefined ? { body: input.body } : {}),
  });
}

/** Valid inputs: path ids that look right (and mostly do not exist: 404 is fine), optional parts sometimes. */
function validInput(op: Operation): fc.Arbitrary<Input> {
  const resolve = resolver(doc);
  const group = (where: string) => {
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    const required: string[] = [];
    for (const p of params(op, where)) {
      shape[p.name] = valid(p.schema, resolve).map(String);
      if (p.required) required.push(p.name);
    }
    return fc.record(shape, { requiredKeys: required }) as fc.Arbitrary<Record<string, string>>;
  };
  const body = bodySchema(op);
  return fc.record({
    params: group('path'),
    query: group('query'),
    headers: group('header'),
    body: body ? valid(body, resolve) : fc.constant(undefined),
  }) as fc.Arbitrary<Input>;
}

/** Runs one operation's property, keeping its counterexample so every operation is reported in one run. */
async function collect(failures: string[], run: () => Promise<void>) {
  try {
    await run();
  } catch (e) {
    const lines = String((e as Error).message).split('\n');
    const cause = String((e as { cause?: Error }).cause?.message ?? '').split('\n')[0];
    failures.push(`${lines.find((l) => l.startsWith('Counterexample')) ?? lines[0]}\n${cause}`);
  }
}

it('every operation with input is fuzzed', () => {
  expect(ops.length).toBeGreaterThan(30);
});

it('valid input by the document is never refused with 400, and nothing is 5xx', async () => {
  let cases = 0;
  const failures: string[] = [];
  for (const op of ops) {
    await collect(failures, () =>
      fc.assert(
        fc.asyncProperty(validInput(op), async (input) => {
          // The generator aims at the document; Ajv has the last word on what it calls valid.
          if (bodySchema(op)) fc.pre((await validatorAt(bodyPointer(op)))(input.body));
          const r = await send(op, input);
          cases++;
          expect(
            r.status,
            `${op.method} ${op.path} refused valid ${JSON.stringify(input)}: ${r.text}`,
          ).not.toBe(400);
          expect(r.status, `${op.method} ${op.path}: ${r.text}`).toBeLessThan(500);
        }),
        { numRuns: RUNS, seed: 11 },
      ),
    );
  }
  console.log(`contract fuzz: ${cases} valid requests over ${ops.length} operations`);
  expect(failures).toEqual([]);
});

it('input the document refuses is always 400, and nothing is 5xx', async () => {
  const resolve = resolver(doc);
  let cases = 0;
  const failures: string[] = [];
  for (const op of ops) {
    const where = `${op.method.toUpperCase()} ${op.path}`;
    const base = validInput(op);
    const schema = bodySchema(op);
    if (schema) {
      const check = await validatorAt(
        pointerTo('paths', op.path, op.method, 'requestBody', 'content', 'application/json', 'schema'),
      );
      await collect(failures, () =>
        fc.assert(
          fc.asyncProperty(base, mutation(schema, resolve), async (input, mutate) => {
            const body = mutate(structuredClone(input.body));
            fc.pre(!check(body));
            const r = await send(op, { ...input, body });
            cases++;
            expect(r.status, `${where} took invalid ${JSON.stringify(body).slice(0, 300)}: ${r.text}`).toBe(
              400,
            );
          }),
          { numRuns: RUNS, seed: 11 },
        ),
      );
    }
    for (const p of [...params(op, 'query'), ...params(op, 'header')]) {
      const check = await validatorAt(
        pointerTo('paths', op.path, op.method, 'parameters', String(op.op.parameters.indexOf(p)), 'schema'),
      );
      const input = fc.sample(base, { numRuns: 1, seed: 11 })[0];
      for (const bad of badQueryValue(p.schema)) {
        // Query values are strings on the wire; the document types them, so coerce the way a server must.
        const typed = /^-?\d+(\.\d+)?$/.test(bad) && p.schema.type === 'integer' ? Number(bad) : bad;
        if (check(typed)) continue;
        const part = p.in === 'query' ? 'query' : 'headers';
        const r = await send(op, { ...input, [part]: { ...input[part], [p.name]: bad } });
        cases++;
        if (r.status !== 400)
          failures.push(`${where} took ${p.in} ${p.name}=${JSON.stringify(bad)}: ${r.status} ${r.text}`);
      }
    }
  }
  console.log(`contract fuzz: ${cases} invalid requests refused`);
  expect(failures).toEqual([]);
});
