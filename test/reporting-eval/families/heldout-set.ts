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
import { heldoutCallFamilies } from './heldout-calls';
import { heldoutChannelFamilies } from './heldout-channels';
import { heldoutTimeFamilies } from './heldout-time';

export interface HeldoutFamily extends Family {
  /** Other oracles that are equally valid readings of every phrasing (rare; say why beside it). */
  also?: Oracle[];
}
export { heldoutMustDecline, heldoutMutations } from './heldout-decline';

export const heldoutFamilies: HeldoutFamily[] = [
  ...heldoutCallFamilies,
  ...heldoutTimeFamilies,
  ...heldoutChannelFamilies,
];
