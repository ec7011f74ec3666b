// Request and response schemas shared by several surfaces. Each validates requests and feeds /openapi.json.
import { z } from '@hono/zod-openapi';
import { E164 } from '../lib/phone';
import { isValidTimeZone } from '../lib/zoned-time';
import { CALL_STATUSES } from '../db/types';
import { fewKeys, keyError, KV_LIMITS, KvKey, Metadata } from './router';

export const e164 = (field: string) =>
  z
    .string({ error: (i) => (i.input === undefined ? `${field} is required` : `${field} must be a string`) })
    .regex(E164, `${field} must be in E.164 format`)
    .openapi({ example: '+14155550123' });

/** A name: 1–`max` characters, not blank, stored trimmed. */
export const nonBlank = (max: number) => z.string().max(max).regex(/\S/, 'must not be blank').trim().min(1);

/**
 * An IANA zone. The pattern is what the document can say; that the zone exists in the runtime's tz
 * database is checked by isValidTimeZone, so the schema carries examples (test/helpers/arbitrary.ts
 * draws valid zones from them).
 */
export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/,
    'timezone must be an IANA time zone such as Europe/Berlin',
  )
  .refine(isValidTimeZone, 'timezone must be an IANA time zone such as Europe/Berlin')
  .openapi('TimeZone', {
    description: 'An IANA time zone such as Europe/Berlin',
    examples: ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Sydney'],
  });

export const Variables = fewKeys('variables')
  .pipe(
    z.record(KvKey, z.union([z.string().max(KV_LIMITS.valueLength), z.number(), z.boolean(), z.null()]), {
      error: keyError,
    }),
  )
  .openapi({
    type: 'object',
    maxProperties: KV_LIMITS.keys,
    // As for Metadata (src/routes/router.ts): the record behind the key-count check is not exported by itself.
    additionalProperties: {
      anyOf: [
        { type: 'string', maxLength: KV_LIMITS.valueLength },
        { type: 'number' },
        { type: 'boolean' },
        { type: 'null' },
      ],
    },
    description: 'Values for {{name}} placeholders in the agent prompt and first message',
    example: { name: 'Rahul' },
  });

export const MaxDuration = z
  .number()
  .int()
  .min(10)
  .max(7200)
  .openapi({ description: 'Seconds (10–7200)', example: 1800 });

const RedialRuleSchema = z
  .strictObject({
    attempts: z
      .number()
      .int()
      .min(1)
      .max(10)
      .openapi({ description: 'How many more attempts after the first (1–10)', example: 2 }),
    after_seconds: z
      .number()
      .int()
      .min(30)
      .max(7 * 86_400)
      .openapi({ description: 'Seconds after the attempt ended (30 s – 7 days)', example: 600 }),
  })
  .openapi('RedialRule');

/** Redials by outcome (README "Redials"); every attempt respects the calling window, pacing and quiet hours. */
export const RedialPolicy = z
  .strictObject({
    busy: RedialRuleSchema.optional(),
    no_answer: RedialRuleSchema.optional(),
    voicemail: RedialRuleSchema.optional(),
    failed: RedialRuleSchema.optional(),
  })
  .openapi('RedialPolicy', {
    description:
      'Per outcome, how many more attempts and after how long. Attempts count every attempt after the first, whatever its outcome.',
    example: { busy: { attempts: 2, after_seconds: 600 }, no_answer: { attempts: 1, after_seconds: 3600 } },
  });

export const CallSchema = z
  .object({
    id: z.string(),
    object: z.literal('call'),
    agent_id: z.string().nullable(),
    batch_id: z.string().nullable(),
    direction: z.enum(['outbound', 'inbound']),
    from_number: z.string().nullable(),
    to_number: z.string(),
    recipient_phone: z.string().nullable(),
    status: z.enum(CALL_STATUSES),
    end_reason: z.string().nullable(),
    max_duration: z.number(),
    created_at: z.number(),
    started_at: z.number().nullable(),
    answered_at: z.number().nullable(),
    ended_at: z.number().nullable(),
    duration: z.number().nullable(),
    transcript: z.array(z.object({ role: z.string(), text: z.string(), at: z.number() })),
    summary: z.string().nullable(),
    sentiment: z.enum(['positive', 'neutral', 'negative']).nullable(),
    outcome: z.string().nullable(),
    analysis: z.record(z.string(), z.any()).nullable(),
    recording_url: z.string().nullable(),
    variables: z.record(z.string(), z.any()),
    metadata: z.record(z.string(), z.any()),
    caller_data: z.record(z.string(), z.any()).nullable(),
    converted: z.boolean(),
    payout: z.number().nullable(),
    rtb: z.record(z.string(), z.any()).nullable(),
    provider: z.string(),
    agent_version: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'The agent version the call used (GET /v1/agents/{id}/versions/{n})' }),
    hangup_by: z.string().nullable(),
    external: z
      .record(z.string(), z.any())
      .nullable()
      .openapi({ description: 'What an external voice runtime reported: detail_url, credits, report' }),
    attempt: z.number().openapi({ description: '1 for the first call to a recipient, 2… for its redials' }),
    first_call_id: z
      .string()
      .nullable()
      .openapi({ description: 'The first attempt of this recipient (null on the first attempt itself)' }),
    scheduled_at: z
      .number()
      .nullable()
      .openapi({ description: 'status scheduled: when it will be dialled (quiet hours or a redial)' }),
    next_attempt_at: z
      .number()
      .nullable()
      .openapi({ description: 'When the redial that follows this call is due (null: none)' }),
  })
  .openapi('Call');

/** Pins a call (or every call of a batch) to one version of its agent. */
export const AgentVersionPin = z
  .number()
  .int()
  .min(1)
  .max(1_000_000)
  .openapi({ description: 'A version of the agent to use instead of its current one (default: current)' });

export const CreateCallBody = z
  .strictObject({
    agent_id: z.string().min(1).max(128),
    recipient_phone: e164('recipient_phone'),
    variables: Variables.optional(),
    from_number: e164('from_number').optional(),
    max_duration: MaxDuration.optional(),
    metadata: Metadata.optional(),
    redial: RedialPolicy.optional().openapi({ description: "Redials by outcome (default: the agent's)" }),
    when_closed: z.enum(['refuse', 'schedule']).optional().openapi({
      description:
        "Outside the account's quiet hours: refuse with 422 (the account's default) or schedule the call for the next open time (status scheduled)",
    }),
    agent_version: AgentVersionPin.optional(),
  })
  .openapi('CreateCall');

export { Metadata };
