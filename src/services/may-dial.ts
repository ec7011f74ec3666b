// The one question every redial (and scheduled call) asks just before it is placed: may this number be dialled?
import type { AccountCtx } from './context';

/**
 * Whether `phone` may be dialled now for this account. Called where a redial or a scheduled call is about to
 * be placed (BatchDispatcher.dial for attempts after the first, CallSession's scheduled-dial timer); a false
 * answer stops the redial (`not_dialed` in a batch, `canceled` with end_reason `suppressed` for a single call).
 *
 * TODO(issue #17, suppression list): look `phone` up in the account's suppression list (channel `call` or
 * `all`) and answer false when it is there. Until then every number may be dialled.
 */
export async function mayDial(_ctx: AccountCtx<'id'>, _phone: string): Promise<boolean> {
  return true;
}
