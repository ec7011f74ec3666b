import { and, asc, desc, eq } from 'drizzle-orm';
import { phoneNumbers } from '../db/schema';
import { conflict, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { nowSeconds } from '../lib/time';
import { getAgent } from './agents';
import { paginate, type Page } from './pagination';
import type { AccountCtx } from './context';

export type PhoneNumberRow = typeof phoneNumbers.$inferSelect;
export type Provider = 'simulator' | 'twilio';

export function presentNumber(n: PhoneNumberRow) {
  return {
    id: n.id,
    object: 'phone_number' as const,
    number: n.number,
    name: n.name,
    provider: n.provider,
    agent_id: n.agentId,
    rtb_route_id: n.rtbRouteId,
    whatsapp_phone_number_id: n.whatsappPhoneNumberId,
    variables: n.variables ?? {},
    created_at: n.createdAt,
  };
}

const scoped = (accountId: string, id: string) =>
  and(eq(phoneNumbers.id, id), eq(phoneNumbers.accountId, accountId));

export async function createPhoneNumber(
  ctx: AccountCtx<'id'>,
  defaultProvider: Provider,
  input: {
    number: string;
    provider?: Provider;
    agent_id?: string | null;
    rtb_route_id?: string | null;
    name?: string | null;
    whatsapp_phone_number_id?: string | null;
    variables?: Record<string, string | number | boolean>;
  },
) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  if (input.agent_id) await getAgent(ctx, input.agent_id, 'agent_id');
  const row: PhoneNumberRow = {
    id: newId('pn'),
    accountId,
    number: input.number,
    provider: input.provider ?? defaultProvider,
    agentId: input.agent_id ?? null,
    rtbRouteId: input.rtb_route_id ?? null,
    whatsappPhoneNumberId: input.whatsapp_phone_number_id ?? null,
    name: input.name ?? null,
    variables: input.variables ?? {},
    createdAt: nowSeconds(),
  };
  const [inserted] = await db
    .insert(phoneNumbers)
    .values(row)
    .onConflictDoNothing()
    .returning({ id: phoneNumbers.id });
  if (!inserted) throw conflict(`${input.number} is already registered`, 'number');
  return presentNumber(row);
}

export async function getPhoneNumber(ctx: AccountCtx<'id'>, id: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const row = await db.query.phoneNumbers.findFirst({ where: scoped(accountId, id) });
  if (!row) throw notFound('phone_number', 'id');
  return row;
}

export function listPhoneNumbers(ctx: AccountCtx<'id'>, page: Page) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  return paginate(
    db,
    phoneNumbers,
    { scope: eq(phoneNumbers.accountId, accountId), order: [phoneNumbers.createdAt, phoneNumbers.id] },
    page,
    presentNumber,
  );
}

export async function updatePhoneNumber(
  ctx: AccountCtx<'id'>,
  id: string,
  patch: {
    agent_id?: string | null;
    rtb_route_id?: string | null;
    name?: string | null;
    provider?: Provider;
    whatsapp_phone_number_id?: string | null;
    variables?: Record<string, string | number | boolean>;
  },
) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const row = await getPhoneNumber(ctx, id);
  if (patch.agent_id) await getAgent(ctx, patch.agent_id, 'agent_id');
  const set: Partial<PhoneNumberRow> = {};
  if (patch.agent_id !== undefined) set.agentId = patch.agent_id;
  if (patch.rtb_route_id !== undefined) set.rtbRouteId = patch.rtb_route_id;
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.provider !== undefined) set.provider = patch.provider;
  if (patch.variables !== undefined) set.variables = patch.variables;
  if (patch.whatsapp_phone_number_id !== undefined)
    set.whatsappPhoneNumberId = patch.whatsapp_phone_number_id;
  if (Object.keys(set).length) await db.update(phoneNumbers).set(set).where(scoped(accountId, id));
  return presentNumber({ ...row, ...set });
}

export async function deletePhoneNumber(ctx: AccountCtx<'id'>, id: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  await getPhoneNumber(ctx, id);
  await db.delete(phoneNumbers).where(scoped(accountId, id));
  return { id, object: 'phone_number' as const, deleted: true as const };
}

/** An owned number by its E.164 value, or (with none given) the account's first number. */
export async function findOwnedNumber(ctx: AccountCtx<'id'>, number?: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const where = number
    ? and(eq(phoneNumbers.accountId, accountId), eq(phoneNumbers.number, number))
    : eq(phoneNumbers.accountId, accountId);
  return (
    (await db.query.phoneNumbers.findFirst({
      where,
      orderBy: [asc(phoneNumbers.createdAt), asc(phoneNumbers.id)],
    })) ?? null
  );
}
