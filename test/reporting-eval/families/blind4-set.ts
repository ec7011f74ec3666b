// The BLIND-4 evaluation set for the Reporting AI (issue #14): a small, time-boxed fourth set written
// away from the code — only README "Reporting AI", SPEC §12, dataset.ts, oracle.ts, time.ts, the
// helpers, the held-out runner and the first 30 lines of heldout-set.ts were read; not the translator,
// its tests, nor the tuned, held-out or blind-3 phrasings. Its first run is the blind figure (recorded in
// test/integration/reporting-blind4.test.ts). Fix from a failure's kind, never by adding a phrasing.
//
// Conventions are the held-out header's: NOW = 2026-11-18 15:00 UTC (Wednesday 10:00, America/New_York);
// answered ⇔ completed; rates over all calls unless a base is named; duration statistics over answered
// calls; payout statistics over converted calls unless the question divides by calls; bid payout over
// accepted bids; place = the customer's number; "last week" = Monday–Sunday before this one; "last N
// days" = N × 24 h up to now; "this morning" = midnight to noon, capped at now.
import { blind4CallFamilies } from './blind4-calls';
import { blind4ChannelFamilies } from './blind4-channels';
import type { Blind4Family } from './blind4-family';
import { blind4TimeFamilies } from './blind4-time';

export { blind4MustDecline, blind4Mutations } from './blind4-decline';
export type { Blind4Decline, Blind4Family } from './blind4-family';
export const blind4Families: Blind4Family[] = [
  ...blind4CallFamilies,
  ...blind4TimeFamilies,
  ...blind4ChannelFamilies,
];
