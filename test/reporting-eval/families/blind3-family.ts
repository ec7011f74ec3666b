// Shared shape of the BLIND-3 evaluation set (issue #14): see blind3-set.ts for how it was written.
import type { Family, Oracle } from '../oracle';

export interface Blind3Family extends Family {
  /** Other oracles that are equally valid readings of every phrasing (rare; the family says why). */
  also?: Oracle[];
}
export interface Blind3Decline {
  q: string;
  /** Why a number would be a guess, out of scope or impossible. */
  why: string;
}
