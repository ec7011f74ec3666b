import { and, asc, desc, eq, isNull, ne, or } from 'drizzle-orm';
import { phoneNumbers, rtbRoutes } from '../db/schema';
import { conflict, invalid, notFound, unprocessable } from '../lib/errors';
import { twilioHasNumber } from '../providers/telephony/twilio';
import { wabaHasNumber } from '../providers/whatsapp/meta';
import { metaCredentialsFor, twilioCredentialsFor } from './provider-credentials';
import { newId } from '../lib/ids';
import { nowSeconds } from '../lib/time';
import { getAgent } from './agents';
import { paginate, type Page } from './pagination';
import type { AccountCtx } from './context';
import { hit } from '../lib/faults';
import { claim, release, type ClaimKind } from './number-directory';

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

// Verified ownership (README "Security"). A number another account holds gets exactly the answer of a
// number the provider does not list for this account, so registering never reveals who holds what.
const notInTwilio = (number: string) =>
  unprocessable(`${number} is not a phone number of your Twilio account`, 'number');
const notInWaba = (id: string) =>
  unprocessable(
    `${id} is not a phone number id of your WhatsApp Business Account for this number`,
    'whatsapp_phone_number_id',
  );

/** Simulator numbers route nowhere real: test mode only, so a live deployment holds only verified numbers. */
function assertProviderAllowed(ctx: AccountCtx<'id'>, provider: Provider) {
  if (provider === 'simulator' && ctx.env.API_KEY_MODE === 'live')
    throw invalid('Simulator numbers are available in test mode only; use provider "twilio"', 'provider');
}

async function verifyTwilio(ctx: AccountCtx<'id'>, number: string) {
  const creds = await twilioCredentialsFor(ctx);
  if (!creds)
    throw unprocessable(
      'This account has no Twilio credentials: PUT /v1/provider_credentials/twilio first',
      'provider',
    );
  const owned = await twilioHasNumber(creds, number).catch(() => {
    throw unprocessable(`Twilio could not be asked whether it lists ${number}; try again`, 'number');
  });
  if (!owned) throw notInTwilio(number);
}

async function verifyWhatsApp(ctx: AccountCtx<'id'>, id: string, number: string) {
  const creds = await metaCredentialsFor(ctx);
  if (!creds?.wabaId)
    throw unprocessable(
      'This account has no WhatsApp Business credentials: PUT /v1/provider_credentials/whatsapp first',
      'whatsapp_phone_number_id',
    );
  const owned = await wabaHasNumber(creds, id, number).catch(() => {
    throw unprocessable(
      `Meta could not be asked whether it lists ${id}; try again`,
      'whatsapp_phone_number_id',
    );
  });
  if (!owned) throw notInWaba(id);
}

/** After a unique index refused a row: this account's own duplicate is a 409, anyone else's the not-yours 422. */
async function refusal(
  ctx: AccountCtx<'id'>,
  provider: Provider,
  number: string | null,
  waId: string | null,
  /** Known from the directory: another account's claim (possibly on another shard). */
  known?: { accountId: string; number: string | null },
) {
  const clash =
    known ??
    (await ctx.db.query.phoneNumbers.findFirst({
      where: or(
        number ? eq(phoneNumbers.number, number) : undefined,
        waId ? eq(phoneNumbers.whatsappPhoneNumberId, waId) : undefined,
      ),
      columns: { accountId: true, number: true },
    }));
  const byNumber = !!number && clash?.number === number;
  if (clash?.accountId === ctx.account.id)
    return byNumber
      ? conflict(`${number} is already registered`, 'number')
      : conflict(`${waId} is already used by another of your numbers`, 'whatsapp_phone_number_id');
  if (byNumber && number)
    return provider === 'twilio'
      ? notInTwilio(number)
      : conflict(`${number} is already registered`, 'number');
  return waId ? notInWaba(waId) : conflict('That number cannot be registered', 'number');
}

const isUniqueViolation = (err: unknown) =>
  /UNIQUE constraint failed/i.test(String((err as Error)?.message ?? err));

/** An RTB route named on a number must be a live route of this account: another account's id is a 404. */
async function assertOwnRoute(ctx: AccountCtx<'id'>, routeId: string) {
  const route = await ctx.db.query.rtbRoutes.findFirst({
    where: and(
      eq(rtbRoutes.id, routeId),
      eq(rtbRoutes.accountId, ctx.account.id),
      isNull(rtbRoutes.deletedAt),
    ),
    columns: { id: true },
  });
  if (!route) throw notFound('rtb_route', 'rtb_route_id');
}

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
  const provider = input.provider ?? defaultProvider;
  assertProviderAllowed(ctx, provider);
  if (input.agent_id) await getAgent(ctx, input.agent_id, 'agent_id');
  if (input.rtb_route_id) await assertOwnRoute(ctx, input.rtb_route_id);
  const waId = input.whatsapp_phone_number_id ?? null;
  if (provider === 'twilio') await verifyTwilio(ctx, input.number);
  if (waId) await verifyWhatsApp(ctx, waId, input.number);
  const row: PhoneNumberRow = {
    id: newId('pn'),
    accountId,
    number: input.number,
    provider,
    agentId: input.agent_id ?? null,
    rtbRouteId: input.rtb_route_id ?? null,
    whatsappPhoneNumberId: input.whatsapp_phone_number_id ?? null,
    name: input.name ?? null,
    variables: input.variables ?? {},
    createdAt: nowSeconds(),
  };
  // Deployment-wide uniqueness: claimed in the directory first (services/number-directory.ts).
  const wanted: [ClaimKind, string][] = [['number', input.number]];
  if (waId) wanted.push(['whatsapp_id', waId]);
  const made: [ClaimKind, string][] = [];
  const releaseMade = () => Promise.all(made.map(([k, v]) => release(ctx, k, v)));
  for (const [kind, value] of wanted) {
    const c = await claim(ctx, kind, value);
    if (c.outcome === 'claimed') made.push([kind, value]);
    if (c.outcome === 'taken') {
      await releaseMade();
      const byNumber = kind === 'number';
      throw await refusal(ctx, provider, byNumber ? input.number : null, byNumber ? null : waId, {
        accountId: c.holder ?? '',
        number: byNumber ? input.number : null,
      });
    }
  }
  let inserted: { id: string } | undefined;
  try {
    await hit('number-before-shard-insert');
    [inserted] = await db
      .insert(phoneNumbers)
      .values(row)
      .onConflictDoNothing()
      .returning({ id: phoneNumbers.id });
  } catch (err) {
    await releaseMade();
    throw err;
  }
  if (!inserted) {
    await releaseMade();
    throw await refusal(ctx, provider, input.number, waId);
  }
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
  let newClaim = false;
  if (patch.provider) assertProviderAllowed(ctx, patch.provider);
  if (patch.agent_id) await getAgent(ctx, patch.agent_id, 'agent_id');
  if (patch.rtb_route_id) await assertOwnRoute(ctx, patch.rtb_route_id);
  if (patch.provider === 'twilio' && row.provider !== 'twilio') await verifyTwilio(ctx, row.number);
  const waId = patch.whatsapp_phone_number_id;
  if (waId && waId !== row.whatsappPhoneNumberId) {
    await verifyWhatsApp(ctx, waId, row.number);
    const taken = await db.query.phoneNumbers.findFirst({
      where: and(eq(phoneNumbers.whatsappPhoneNumberId, waId), ne(phoneNumbers.id, id)),
      columns: { id: true },
    });
    if (taken) throw await refusal(ctx, row.provider, null, waId);
    const c = await claim(ctx, 'whatsapp_id', waId);
    if (c.outcome === 'taken')
      throw await refusal(ctx, row.provider, null, waId, { accountId: c.holder ?? '', number: null });
    newClaim = c.outcome === 'claimed';
  }
  const set: Partial<PhoneNumberRow> = {};
  if (patch.agent_id !== undefined) set.agentId = patch.agent_id;
  if (patch.rtb_route_id !== undefined) set.rtbRouteId = patch.rtb_route_id;
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.provider !== undefined) set.provider = patch.provider;
  if (patch.variables !== undefined) set.variables = patch.variables;
  if (patch.whatsapp_phone_number_id !== undefined)
    set.whatsappPhoneNumberId = patch.whatsapp_phone_number_id;
  if (Object.keys(set).length)
    await db
      .update(phoneNumbers)
      .set(set)
      .where(scoped(accountId, id))
      .catch(async (err) => {
        if (newClaim && waId) await release(ctx, 'whatsapp_id', waId);
        // Another account took the WhatsApp id between the check and the update.
        if (waId && isUniqueViolation(err)) throw await refusal(ctx, row.provider, null, waId);
        throw err;
      });
  // The id it no longer uses is free for others.
  if (patch.whatsapp_phone_number_id !== undefined && row.whatsappPhoneNumberId !== waId)
    await release(ctx, 'whatsapp_id', row.whatsappPhoneNumberId);
  return presentNumber({ ...row, ...set });
}

export async function deletePhoneNumber(ctx: AccountCtx<'id'>, id: string) {
  const { db } = ctx;
  const accountId = ctx.account.id;
  const row = await getPhoneNumber(ctx, id);
  await db.delete(phoneNumbers).where(scoped(accountId, id));
  await release(ctx, 'number', row.number);
  await release(ctx, 'whatsapp_id', row.whatsappPhoneNumberId);
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
