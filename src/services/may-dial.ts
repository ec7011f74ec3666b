// The one question every redial (and scheduled call) asks just before it is placed: may this number be dialled?
import type { AccountCtx } from './context';
import { isSuppressed } from './suppressions';

/**
 * Whether `phone` may be dialled now for this account: not on its suppression list for calls (channel `call`
 * or `all`). Called where a redial is about to be placed (BatchDispatcher.dial for attempts after the first,
 * CallSession's scheduled-dial timer via services/redial.ts); a false answer stops the redial (`not_dialed`
 * in a batch, `canceled` with end_reason `suppressed` for a single call).
 */
export async function mayDial(ctx: AccountCtx<'id'>, phone: string): Promise<boolean> {
  return !(await isSuppressed(ctx, phone, 'call'));
}
