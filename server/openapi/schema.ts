import { type ConversionConfig, toJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';

export type JsonSchema = Record<string, unknown>;

/**
 * valibot → JSON Schema 2020-12 (what OpenAPI 3.1 uses). Checks with no JSON Schema form (custom
 * checks, trim) are left out, not fatal. `output` describes what a pipe ends on: query parameters
 * arrive as text and are converted (see http/query.ts), so they are documented as the integer or
 * boolean the client sends, with their default converted the same way.
 */
export function schemaOf(schema: v.GenericSchema, mode: 'wire' | 'output' = 'wire'): JsonSchema {
  const json = toJsonSchema(schema, {
    errorMode: 'ignore',
    target: 'draft-2020-12',
    ...(mode === 'output'
      ? {
          typeMode: 'output' as const,
          overrideSchema: ({ valibotSchema, jsonSchema }: Parameters<NonNullable<ConversionConfig['overrideSchema']>>[0]) => {
            if (valibotSchema.type !== 'optional' || !('default' in jsonSchema)) return undefined;
            const parsed = v.safeParse(valibotSchema, undefined);
            // Query defaults convert to a number, boolean or string: JSON values.
            return parsed.success ? { ...jsonSchema, default: parsed.output as string | number | boolean } : undefined;
          },
        }
      : {}),
  }) as JsonSchema;
  delete json.$schema;
  return json;
}
