// The official SARIF 2.1.0 JSON schema (draft-07, as published by the OASIS SARIF TC), compiled with ajv + ajv-formats.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// The package's exports map hides dist/json-schema: locate it from its package.json.
const packageJson = createRequire(import.meta.url).resolve('@datadog/datadog-ci-plugin-sarif/package.json');
export const SARIF_SCHEMA_FILE = join(dirname(packageJson), 'dist', 'json-schema', 'sarif-schema-2.1.0.json');

let validator: ValidateFunction | undefined;

export function sarifValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(SARIF_SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
    addFormats(ajv);
    validator = ajv.compile(schema);
  }
  return validator;
}
