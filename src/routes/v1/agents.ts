import { createRoute, z } from '@hono/zod-openapi';
import {
  createAgent,
  deleteAgent,
  getAgent,
  getAgentVersion,
  listAgents,
  listAgentVersions,
  presentAgent,
  presentAgentVersion,
  restoreAgentVersion,
  updateAgent,
} from '../../services/agents';
import {
  errorResponses,
  IdParam,
  jsonBody,
  jsonResponse,
  listOf,
  newRouter,
  orNull,
  PaginationQuery,
  queryInt,
} from '../router';
import { MaxDuration, Metadata, nonBlank, RedialPolicy } from '../schemas';
import { ctxOf } from '../../middleware/auth';

const AnalysisField = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'name must be an identifier'),
  type: z.enum(['string', 'number', 'boolean', 'integer', 'array', 'object']),
  description: z.string().max(1000).optional(),
});

const fields = {
  name: nonBlank(200).openapi({ example: 'Appointment reminder' }),
  prompt: z
    .string()
    .min(1)
    .max(100_000)
    .openapi({ example: 'You remind {{name}} about their appointment at {{appointment_time}}.' }),
  first_message: z.string().max(10_000).nullable(),
  voice_id: z.string().max(200).nullable().openapi({ example: 'sarvam_hindi_female_01' }),
  language: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'language must be a BCP 47 tag such as en-US'),
  status: z.enum(['active', 'inactive']),
  max_duration: MaxDuration,
  analysis_schema: z.array(AnalysisField).max(50),
  metadata: Metadata,
  redial: RedialPolicy.nullable().openapi({
    description: 'Default redial policy of calls and batches with this agent that set none (null: none)',
  }),
};

const CreateAgent = z
  .strictObject({
    name: fields.name,
    prompt: fields.prompt,
    first_message: fields.first_message.optional(),
    voice_id: fields.voice_id.optional(),
    language: fields.language.optional(),
    status: fields.status.optional(),
    max_duration: fields.max_duration.optional(),
    analysis_schema: fields.analysis_schema.optional(),
    metadata: fields.metadata.optional(),
    redial: fields.redial.optional(),
  })
  .openapi('CreateAgent');
const UpdateAgent = CreateAgent.partial().openapi('UpdateAgent');

const Agent = z
  .object({
    id: z.string(),
    object: z.literal('agent'),
    name: z.string(),
    prompt: z.string(),
    first_message: z.string().nullable(),
    voice_id: z.string().nullable(),
    language: z.string(),
    status: z.enum(['active', 'inactive']),
    max_duration: z.number(),
    analysis_schema: z.array(AnalysisField),
    metadata: z.record(z.string(), z.any()),
    redial: orNull(RedialPolicy),
    version: z.number().int().openapi({
      description:
        'The current version: each change to prompt, first message, voice or analysis schema adds one',
    }),
    created_at: z.number(),
    updated_at: z.number(),
  })
  .openapi('Agent');

const AgentVersion = z
  .object({
    object: z.literal('agent_version'),
    agent_id: z.string(),
    version: z.number().int(),
    prompt: z.string(),
    first_message: z.string().nullable(),
    voice_id: z.string().nullable(),
    analysis_schema: z.array(AnalysisField),
    restored_from: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'The version this one restored, if it was made by a restore' }),
    created_at: z.number(),
  })
  .openapi('AgentVersion');

const Id = IdParam('agent', 'agent_12345');
const VersionParams = Id.extend({
  version: queryInt(1, 1_000_000).openapi({
    param: { name: 'version', in: 'path' },
    type: 'integer',
    example: 1,
  }),
});
const tags = ['Agents'];

export function agentRoutes() {
  const r = newRouter();
  r.openapi(
    createRoute({
      method: 'post',
      path: '/agents',
      tags,
      summary: 'Create an agent',
      request: { body: jsonBody(CreateAgent) },
      responses: { 201: jsonResponse(Agent, 'The agent'), ...errorResponses },
    }),
    async (c) => c.json(await createAgent(ctxOf(c), c.req.valid('json')), 201),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/agents',
      tags,
      summary: 'List agents',
      request: { query: PaginationQuery.extend({ status: fields.status.optional() }) },
      responses: { 200: jsonResponse(listOf(Agent), 'A page of agents'), ...errorResponses },
    }),
    async (c) => c.json(await listAgents(ctxOf(c), c.req.valid('query')), 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/agents/{id}',
      tags,
      summary: 'Retrieve an agent',
      request: { params: Id },
      responses: { 200: jsonResponse(Agent, 'The agent'), ...errorResponses },
    }),
    async (c) => c.json(presentAgent(await getAgent(ctxOf(c), c.req.valid('param').id)), 200),
  );

  r.openapi(
    createRoute({
      method: 'patch',
      path: '/agents/{id}',
      tags,
      summary: 'Update an agent',
      request: { params: Id, body: jsonBody(UpdateAgent) },
      responses: { 200: jsonResponse(Agent, 'The updated agent'), ...errorResponses },
    }),
    async (c) => c.json(await updateAgent(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/agents/{id}/versions',
      tags,
      summary: "List an agent's versions, newest first",
      request: { params: Id, query: PaginationQuery },
      responses: { 200: jsonResponse(listOf(AgentVersion), 'A page of versions'), ...errorResponses },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      const { id } = c.req.valid('param');
      await getAgent(ctx, id);
      return c.json(await listAgentVersions(ctx, id, c.req.valid('query')), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/agents/{id}/versions/{version}',
      tags,
      summary: 'Retrieve one version of an agent (immutable)',
      request: { params: VersionParams },
      responses: { 200: jsonResponse(AgentVersion, 'The version'), ...errorResponses },
    }),
    async (c) => {
      const { id, version } = c.req.valid('param');
      return c.json(presentAgentVersion(await getAgentVersion(ctxOf(c), id, version)), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/agents/{id}/versions/{version}/restore',
      tags,
      summary: 'Make an old version current again (recorded as a new version)',
      request: { params: VersionParams },
      responses: { 200: jsonResponse(Agent, 'The agent, now on the new version'), ...errorResponses },
    }),
    async (c) => {
      const { id, version } = c.req.valid('param');
      return c.json(await restoreAgentVersion(ctxOf(c), id, version), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'delete',
      path: '/agents/{id}',
      tags,
      summary: 'Delete an agent (its calls stay readable)',
      request: { params: Id },
      responses: {
        200: jsonResponse(
          z.object({ id: z.string(), object: z.literal('agent'), deleted: z.literal(true) }),
          'Deleted',
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await deleteAgent(ctxOf(c), c.req.valid('param').id), 200),
  );
  return r;
}
