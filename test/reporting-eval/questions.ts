// The independent evaluation set for the Reporting AI (issue #14).
//
// How it was written: from the data description only (src/db/schema.ts, the view columns in
// src/reporting/model.ts, README "Reporting AI", the SPEC) and the list of question kinds in the issue,
// without reading the translator, compiler, date resolver, LLM prompt or their tests. Phrasings were
// written the way users type (casual, varied, a few curly quotes), grouped in paraphrase families of
// 5–10 with one oracle each. An oracle computes the expected value in plain TypeScript over the
// in-memory rows of dataset.ts (the same rows seedEvalDataset() writes into D1) — never SQL, never
// project code. Because the set lives in the same repository as the translator, anyone tuning the
// translator can read it: a score on this set is an upper bound on accuracy on unseen phrasings.
//
// Conventions the oracles fix (a translator must agree, or decline):
// - Reference time NOW = 2026-11-18 15:00 UTC (Wednesday 10:00 EST), zone America/New_York; the ctx
//   passed to an oracle carries `now` in epoch milliseconds. Rows carry unix seconds.
// - No period named = all time. "last N hours/days" = rolling, ending now (N × 3600 s / N × 86 400 s).
//   Today / this week (Monday) / this month run to now; yesterday, last week, last month, named days
//   ("last Friday" = the most recent Friday before today) and named months are whole local periods;
//   "this morning" = local midnight to noon (capped at now); "between March 1 and March 15" includes
//   both days; "since January" = from Jan 1 (most recent) to now; "in March" = the most recent March.
// - Answered ⇔ status completed; voicemail calls are answered with outcome voicemail. Rates are over
//   every call in the period unless the question names another base; "failure rate" is status failed.
//   Durations and their statistics are over answered calls; payout statistics over converted calls
//   unless the question says per call / per answered call. Percentiles interpolate (percentile_cont).
// - Place is the customer's number (from_number of inbound, to_number of outbound), not our own.
// - Groups are keyed as documented in oracle.ts ('none' = no campaign); empty groups are absent.
// - Values are unrounded, in the unit asked (percent 0–100); compare with close() from oracle.ts.
import { EVAL_CTX, EVAL_NOW, EVAL_TZ, evalDataset } from './dataset';
import { channelFamilies } from './families/channels';
import { compareFamilies } from './families/compare';
import { countFamilies } from './families/counts';
import { mustDecline, mutations } from './families/decline';
import { placeFamilies } from './families/place';
import { rateFamilies } from './families/rates';
import { statFamilies } from './families/stats';
import { timeFamilies } from './families/time';
import { unitFamilies } from './families/units';
import type { Family } from './oracle';

export type { Expected, Family, Kind, Oracle, Unit } from './oracle';
export { close } from './oracle';
export type { Dataset } from './dataset';
export type { DeclineReason, MustDecline } from './families/decline';
export { EVAL_CTX, evalDataset, mustDecline, mutations };
export const NOW = EVAL_NOW;
export const TIMEZONE = EVAL_TZ;

export const families: Family[] = [
  ...countFamilies,
  ...rateFamilies,
  ...statFamilies,
  ...unitFamilies,
  ...timeFamilies,
  ...compareFamilies,
  ...placeFamilies,
  ...channelFamilies,
];

/** Families allowed fewer than five phrasings (none today; list an id here with the reason). */
export const SHORT_FAMILIES: Record<string, string> = {};

/** Every in-scope question with its family, flattened. */
export const inScope = families.flatMap((f) => f.phrasings.map((q) => ({ q, family: f })));
