import { createRoute, z } from '@hono/zod-openapi';
import {
  createPhoneNumber,
  deletePhoneNumber,
  getPhoneNumber,
  listPhoneNumbers,
  presentNumber,
  updatePhoneNumber,
  type Provider,
} from '../../services/phone-numbers';
import {
  errorResponse,
  errorResponses,
  IdParam,
  jsonBody,
  jsonResponse,
  listOf,
  newRouter,
  PaginationQuery,
} from '../router';
import { e164 } from '../schemas';
import { ctxOf } from '../../middleware/auth';

const ProviderName = z.enum(['simulator', 'twilio']);
const CreateNumber = z
  .strictObject({
    number: e164('number'),
    provider: ProviderName.optional().openapi({ description: 'Defaults to the TELEPHONY_PROVIDER setting' }),
    agent_id: z
      .string()
      .min(1)
      .max(128)
      .nullable()
      .optional()
      .openapi({ description: 'The agent that answers inbound calls' }),
    rtb_route_id: z.string().min(1).max(128).nullable().optional(),
    name: z.string().max(200).nullable().optional(),
    whatsapp_phone_number_id: z
      .string()
      .min(1)
      .max(64)
      .nullable()
      .optional()
      .openapi({ description: "Meta's phone number id, when this is also your WhatsApp Business number" }),
    variables: z
      .record(z.string().min(1).max(64), z.union([z.string().max(1000), z.number(), z.boolean()]))
      .refine((v) => Object.keys(v).length <= 50, 'at most 50 variables')
      .optional()
      .openapi({
        description:
          'Default template variables for calls to this number, e.g. {"name": "there"} for a greeting "Hi {{name}}!". The caller\'s lead data wins; a placeholder with no value is dropped, never spoken.',
      }),
  })
  .openapi('CreatePhoneNumber');
const UpdateNumber = CreateNumber.omit({ number: true }).openapi('UpdatePhoneNumber');
const PhoneNumber = z
  .object({
    id: z.string(),
    object: z.literal('phone_number'),
    number: z.string(),
    name: z.string().nullable(),
    provider: ProviderName,
    agent_id: z.string().nullable(),
    rtb_route_id: z.string().nullable(),
    whatsapp_phone_number_id: z.string().nullable(),
    variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    created_at: z.number(),
  })
  .openapi('PhoneNumber');

const Id = IdParam('phone number', 'pn_123');
const tags = ['Phone numbers'];
const defaultProvider = (v: string | undefined): Provider => (v === 'twilio' ? 'twilio' : 'simulator');

export function phoneNumberRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'post',
      path: '/phone_numbers',
      tags,
      summary: 'Register a phone number',
      description:
        "A Twilio number must be one of your Twilio account's IncomingPhoneNumbers and a whatsapp_phone_number_id one of your WhatsApp Business Account's numbers (422 otherwise, also when another account holds it); simulator numbers are for test mode only.",
      request: { body: jsonBody(CreateNumber) },
      responses: {
        201: jsonResponse(PhoneNumber, 'The number'),
        409: errorResponse(409),
        422: errorResponse(422),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(
        await createPhoneNumber(ctxOf(c), defaultProvider(c.env.TELEPHONY_PROVIDER), c.req.valid('json')),
        201,
      ),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/phone_numbers',
      tags,
      summary: 'List phone numbers',
      request: { query: PaginationQuery },
      responses: { 200: jsonResponse(listOf(PhoneNumber), 'A page of numbers'), ...errorResponses },
    }),
    async (c) => c.json(await listPhoneNumbers(ctxOf(c), c.req.valid('query')), 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/phone_numbers/{id}',
      tags,
      summary: 'Retrieve a phone number',
      request: { params: Id },
      responses: { 200: jsonResponse(PhoneNumber, 'The number'), ...errorResponses },
    }),
    async (c) => c.json(presentNumber(await getPhoneNumber(ctxOf(c), c.req.valid('param').id)), 200),
  );

  r.openapi(
    createRoute({
      method: 'patch',
      path: '/phone_numbers/{id}',
      tags,
      summary: 'Update a phone number',
      request: { params: Id, body: jsonBody(UpdateNumber) },
      responses: {
        200: jsonResponse(PhoneNumber, 'The updated number'),
        409: errorResponse(409),
        422: errorResponse(422),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await updatePhoneNumber(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    createRoute({
      method: 'delete',
      path: '/phone_numbers/{id}',
      tags,
      summary: 'Release a phone number',
      request: { params: Id },
      responses: {
        200: jsonResponse(
          z.object({ id: z.string(), object: z.literal('phone_number'), deleted: z.literal(true) }),
          'Deleted',
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await deletePhoneNumber(ctxOf(c), c.req.valid('param').id), 200),
  );
  return r;
}
