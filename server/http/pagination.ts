import * as v from 'valibot';
import { queryInteger } from './query.ts';

/** `?limit=1..100&starting_after=<id>`, shared by every list endpoint. */
export const listQueryEntries = {
  limit: v.optional(v.pipe(queryInteger(1, 100, 'limit must be a whole number from 1 to 100.'), v.description('How many items to return.')), '10'),
  starting_after: v.optional(
    v.pipe(v.string(), v.maxLength(64, 'starting_after must be an id.'), v.description('The id of the last item of the previous page: the page after it.')),
  ),
};

export interface ListPage<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

/** Rows fetched with `LIMIT limit + 1`: the extra row only says whether there is more. */
export function page<T>(rows: T[], limit: number): ListPage<T> {
  return { object: 'list', data: rows.slice(0, limit), has_more: rows.length > limit };
}

export const listSchema = <S extends v.GenericSchema>(item: S) =>
  v.object({ object: v.literal('list'), data: v.array(item), has_more: v.boolean() });
