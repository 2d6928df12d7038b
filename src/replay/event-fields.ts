// The fields a rule's search sees for one audit event: Splunk's JSON extraction, plus what the search derives (exec query parameters, row fields).
import { queryBoolean } from '../kubernetes/audit-event.js';
import type { JsonObject } from '../request/json-value.js';
import type { DerivedField, SearchPlan } from '../spl/search-plan.js';
import { splFieldValues } from './spl-field.js';
import type { FieldReader } from './stats-table.js';

function queryOf(event: JsonObject): URLSearchParams {
  const uri = event['requestURI'];
  const q = typeof uri === 'string' ? uri.indexOf('?') : -1;
  return new URLSearchParams(q >= 0 ? (uri as string).slice(q + 1) : '');
}

/** `rex` + `eval` of to-spl.ts, in JavaScript: URLSearchParams decodes `+` and %XX as urldecode(replace(…)) does. */
function connectValues(event: JsonObject, field: Extract<DerivedField, { kind: 'connect-parameter' }>): string[] {
  const values = queryOf(event).getAll(field.name);
  if (field.type === 'list') return values;
  if (field.type === 'string') return values.slice(0, 1);
  return [String(queryBoolean(values[0]))];
}

/** A reader for the plan's BY fields: derived fields first (a row field shadows the parameter it is computed from). */
export function eventFieldReader(plan: SearchPlan): FieldReader {
  const connect = new Map(plan.connectParameters.flatMap((f) => (f.kind === 'connect-parameter' ? [[f.name, f] as const] : [])));
  const rows = new Map(plan.rowFields.flatMap((f) => (f.kind === 'row' ? [[f.name, f] as const] : [])));
  const base = (event: JsonObject, field: string): string[] => {
    const parameter = connect.get(field);
    return parameter ? connectValues(event, parameter) : splFieldValues(event, field);
  };
  return (event, field) => {
    const row = rows.get(field);
    if (!row) return base(event, field);
    const values = base(event, row.source);
    if (row.join === undefined || values.length === 0) return values;
    return [values.join(row.join)];
  };
}
