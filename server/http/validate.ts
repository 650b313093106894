import * as v from 'valibot';
import { invalid } from './errors.ts';

/** Dotted path of the first issue, e.g. `billing_address.country`: the `param` a client fixes. */
function paramOf(issue: v.BaseIssue<unknown>, fallback: string): string {
  const keys = (issue.path ?? []).map((item) => String(item.key));
  return keys.length > 0 ? keys.join('.') : fallback;
}

/** Parses untrusted input or throws a 400 naming the offending field. */
export function parse<TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  fallbackParam: string,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, input, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const param = paramOf(issue, fallbackParam);
  let message = issue.message;
  if (issue.type === 'strict_object' && issue.path) message = `Unknown field: ${param}.`;
  else if (message.startsWith('Invalid')) message = `${param}: ${message}`;
  throw invalid(param, message);
}

/**
 * valibot's object and record schemas let JSON arrays through (`[]` passes as `{}`, `["x"]` as
 * `{"0":"x"}`): this refuses them first. The OpenAPI document is unchanged (the check is skipped there).
 */
export const jsonObject = <S extends v.GenericSchema>(schema: S, message: string) =>
  v.pipe(
    v.custom<unknown>((input) => typeof input === 'object' && input !== null && !Array.isArray(input), message),
    schema,
  );

/** A posted form field: optional (empty when absent), trimmed, bounded; the message is an i18n key. */
export const formField = (max: number) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max, 'too_long')), '');

/**
 * A form's string fields, as `Object.fromEntries` of hono's `parseBody()` keeping strings only:
 * the last value of a repeated name wins, names ending in `[]` (arrays there) are left out. An
 * urlencoded body is read as text and parsed here: `parseBody()` goes through `Request.formData()`,
 * which on Node turns @hono/node-server's lightweight request into a full WHATWG Request (a
 * stream, an AbortController) on every checkout POST. Other bodies (multipart) still go through it.
 */
export async function formStrings(req: { header(name: string): string | undefined; text(): Promise<string>; parseBody(): Promise<Record<string, unknown>> }): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if ((req.header('Content-Type') ?? '').startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(await req.text())) if (!key.endsWith('[]')) out[key] = value;
    return out;
  }
  for (const [key, value] of Object.entries(await req.parseBody())) if (typeof value === 'string') out[key] = value;
  return out;
}
