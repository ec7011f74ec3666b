// The HELD-OUT evaluation set for the Reporting AI (issue #14).
//
// Written without reading the translator, its vocabulary, its tests or the phrasings of the tuned set
// (families/*.ts other than heldout-*): only README "Reporting AI", SPEC §12, dataset.ts, oracle.ts and
// time.ts were read. Nobody has tuned the translator on these phrasings, so the figure it gives is the
// honest one; keep it that way: fix the translator from a failure's *kind*, never by adding a listed
// phrasing, and add fresh held-out phrasings when this set has been used for tuning.
//
// Conventions are those of questions.ts (NOW = 2026-11-18 15:00 UTC, America/New_York; answered ⇔
// completed; rates over all calls unless a base is named; duration statistics over answered calls;
// payout statistics over converted calls unless the question divides by calls; place = customer number).
// Where a phrasing honestly has two readings that both follow the README, the family lists the second
// in `also` and either answer counts as right (today only "delivered" messages: with or without read).
import type { Family, Oracle } from '../oracle';
import { heldoutBatch2Families, heldoutBatch2MustDecline } from './heldout-batch2';
import { heldoutCallFamilies } from './heldout-calls';
import { heldoutChannelFamilies } from './heldout-channels';
import { heldoutTimeFamilies } from './heldout-time';

export interface HeldoutFamily extends Family {
  /** Other oracles that are equally valid readings of every phrasing (rare; say why beside it). */
  also?: Oracle[];
}
import { heldoutMustDecline as batch1MustDecline } from './heldout-decline';
export { heldoutMutations } from './heldout-decline';

/** Batch 1 (heldout-calls/-time/-channels/-decline): the set as first written and first run. */
export const heldoutBatch1: HeldoutFamily[] = [
  ...heldoutCallFamilies,
  ...heldoutTimeFamilies,
  ...heldoutChannelFamilies,
];
/** Batch 2 (heldout-batch2): written blind after batch 1 had run once; reported on its own too. */
export const heldoutBatch2: HeldoutFamily[] = heldoutBatch2Families;
export const heldoutFamilies: HeldoutFamily[] = [...heldoutBatch1, ...heldoutBatch2];
export const heldoutMustDecline = [...batch1MustDecline, ...heldoutBatch2MustDecline];
