// What the simulated voice agent "said" and what post-call analysis extracts. Deterministic for a call,
// so tests and demos see stable results; real providers fill these from the voice runtime instead.
import type { AnalysisField } from '../db/schema';
import type { SimulateOptions } from '../providers/telephony/simulator';

export type Turn = { role: 'agent' | 'user'; text: string; at: number };

/** Fills {{name}} placeholders; unknown names are left visible rather than silently dropped. */
/**
 * Fills {{placeholders}}. One without a value is dropped, never spoken: "Hi {{name}}!" becomes "Hi!"
 * (the space left before punctuation, or doubled, goes too).
 */
export function fillTemplate(text: string, vars: Record<string, unknown>): string {
  let dropped = false;
  const out = text.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_whole, name: string) => {
    const v = vars[name];
    if (v === undefined || v === null || v === '') {
      dropped = true;
      return '';
    }
    return String(v);
  });
  return dropped
    ? out
        .replace(/[ \t]+([!?.,;:])/g, '$1')
        .replace(/[ \t]{2,}/g, ' ')
        .trim()
    : out;
}

function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const USER_LINES = [
  'Yes, speaking.',
  'Okay, go on.',
  'That sounds fine.',
  'Can you tell me a bit more?',
  'Sure, that works for me.',
  'I see.',
  'Thanks for explaining.',
  'Alright.',
];

export interface ConversationInput {
  prompt: string;
  firstMessage: string | null;
  variables: Record<string, unknown>;
  talkSeconds: number;
  outcome?: string;
  analysisSchema: AnalysisField[];
  simulate: SimulateOptions;
}

export function simulateConversation(input: ConversationInput) {
  const vars = input.variables;
  const opening = fillTemplate(input.firstMessage ?? 'Hello, this is your assistant calling.', vars);
  const lines = sentences(fillTemplate(input.prompt, vars));
  const transcript: Turn[] = [{ role: 'agent', text: opening, at: 0 }];
  if (input.outcome !== 'voicemail') {
    const turns = Math.max(1, Math.floor(input.talkSeconds / 6));
    for (let i = 1; i < turns; i++) {
      const role = i % 2 === 1 ? 'user' : 'agent';
      const text =
        role === 'user'
          ? USER_LINES[(((i - 1) / 2) % USER_LINES.length) | 0]
          : (lines[(i / 2 - 1) % Math.max(1, lines.length)] ?? 'Is there anything else I can help with?');
      transcript.push({ role, text, at: Math.min(input.talkSeconds, i * 6) });
    }
    transcript.push({ role: 'agent', text: 'Thank you for your time. Goodbye!', at: input.talkSeconds });
  }
  const engaged = input.talkSeconds >= 30;
  const sentiment =
    input.simulate.sentiment ??
    (input.outcome === 'voicemail' ? 'neutral' : engaged ? 'positive' : 'neutral');
  const outcome = input.simulate.outcome ?? input.outcome ?? (engaged ? 'completed' : 'short_call');
  const who = typeof vars.name === 'string' ? vars.name : 'the recipient';
  const summary =
    input.outcome === 'voicemail'
      ? `Reached voicemail; the agent left a message: "${opening}"`
      : `The agent spoke with ${who} for ${input.talkSeconds} seconds. ${lines[0] ?? ''}`.trim();
  const analysis: Record<string, unknown> = {};
  for (const field of input.analysisSchema) {
    const given = input.simulate.analysis?.[field.name];
    analysis[field.name] = given !== undefined ? given : defaultValue(field, engaged, summary);
  }
  return { transcript, summary, sentiment, outcome, analysis };
}

function defaultValue(field: AnalysisField, engaged: boolean, summary: string): unknown {
  switch (field.type) {
    case 'boolean':
      return engaged;
    case 'number':
    case 'integer':
      return engaged ? 1 : 0;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return summary.slice(0, 200);
  }
}

/** The agent's success criterion: a boolean analysis field named `converted` or `success` that came out true. */
export function meetsSuccessCriterion(analysis: Record<string, unknown> | null): boolean {
  return analysis?.converted === true || analysis?.success === true;
}
