// Shapes of the BLIND-4 set (issue #14): a family may list a second reading in `also` (say why beside it).
import type { Family, Kind, Oracle } from '../oracle';

export interface Blind4Family extends Family {
  /** Other oracles that are equally valid readings of every phrasing (rare; say why beside it). */
  also?: Oracle[];
}
export const fam = (
  id: string,
  kind: Kind,
  phrasings: string[],
  expect: Oracle,
  also?: Oracle[],
): Blind4Family => ({
  id,
  kind,
  phrasings,
  expect,
  ...(also ? { also } : {}),
});

export interface Blind4Decline {
  q: string;
  /** out_of_scope | unknown_qualifier | ambiguous | no_such_field | impossible_date | absurd_number */
  why: string;
}
