import * as v from 'valibot';

/**
 * Query-string values arrive as text, but a client generated from the OpenAPI document should send
 * `limit: 5`, not `limit: "5"`. Each helper checks the text, converts it, then ends on the schema of
 * what it is (number, boolean): the document is built from that last schema (`typeMode: 'output'`),
 * the handler gets the converted value.
 */
export const queryInteger = (min: number, max: number, message: string) =>
  v.pipe(
    v.string(message),
    v.regex(/^-?\d{1,15}$/, message),
    v.transform(Number),
    v.number(message),
    v.integer(message),
    v.minValue(min, message),
    v.maxValue(max, message),
  );

/** `true` or `false`, nothing else (`1`, `yes` or an empty value are refused, naming the parameter). */
export const queryBoolean = (message: string) =>
  v.pipe(
    v.picklist(['true', 'false'], message),
    v.transform((value) => value === 'true'),
    v.boolean(message),
  );
