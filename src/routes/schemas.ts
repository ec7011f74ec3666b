// Request and response schemas shared by several surfaces. Each validates requests and feeds /openapi.json.
import { z } from '@hono/zod-openapi';
import { E164 } from '../lib/phone';
import { fewKeys, keyError, KV_LIMITS, KvKey, Metadata } from './router';

export const e164 = (field: string) =>
  z
    .string({ error: (i) => (i.input === undefined ? `${field} is required` : `${field} must be a string`) })
    .regex(E164, `${field} must be in E.164 format`)
    .openapi({ example: '+14155550123' });

export const Variables = fewKeys('variables')
  .pipe(
    z.record(KvKey, z.union([z.string().max(KV_LIMITS.valueLength), z.number(), z.boolean(), z.null()]), {
      error: keyError,
    }),
  )
  .openapi({
    type: 'object',
    maxProperties: KV_LIMITS.keys,
    description: 'Values for {{name}} placeholders in the agent prompt and first message',
    example: { name: 'Rahul' },
  });

export const MaxDuration = z
  .number()
  .int()
  .min(10)
  .max(7200)
  .openapi({ description: 'Seconds (10–7200)', example: 1800 });

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
    status: z.string(),
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
    hangup_by: z.string().nullable(),
    external: z
      .record(z.string(), z.any())
      .nullable()
      .openapi({ description: 'What an external voice runtime reported: detail_url, credits, report' }),
  })
  .openapi('Call');

export const CreateCallBody = z
  .strictObject({
    agent_id: z.string().min(1).max(128),
    recipient_phone: e164('recipient_phone'),
    variables: Variables.optional(),
    from_number: e164('from_number').optional(),
    max_duration: MaxDuration.optional(),
    metadata: Metadata.optional(),
  })
  .openapi('CreateCall');

export { Metadata };
