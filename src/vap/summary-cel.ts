// A rule's summary and warning as CEL string expressions (VAP messageExpression), filling its $tokens$ as the engine's result row does.
import { parsePath } from '../engine/field-path.js';
import type { Cel } from '../cel/cel-text.js';
import { NO_FACTS, primary, stringLiteral } from '../cel/cel-text.js';
import { DYNAMIC_ROOTS, MacroVariables, pathStart, valueList } from '../cel/field-path-cel.js';
import { REQUEST_NAMESPACE } from '../cel/namespace-cel.js';
import { MAX_WARNING_LENGTH } from '../outputs/admission-response.js';
import type { RequestRule } from '../rules/rule.js';

const SUB_RESOURCE = "(has(request.subResource) ? request.subResource : '')";

const OBJECT = DYNAMIC_ROOTS.object.text;

/** The object's metadata string field, '' when absent or not a string (read through dyn, as admission-policy.ts reads the object). */
function metadataText(field: 'name' | 'generateName'): string {
  const path = `${OBJECT}.metadata.${field}`;
  return `(type(${OBJECT}) == map && has(${OBJECT}.metadata) && type(${OBJECT}.metadata) == map && has(${path}) && type(${path}) == string ? ${path} : '')`;
}

/** The result-row fields every request finding has (src/engine/evaluate.ts requestFields), as CEL strings. */
const COMMON_FIELDS: Readonly<Record<string, string>> = {
  namespace: REQUEST_NAMESPACE.text,
  user: "dyn(has(request.userInfo.username) ? request.userInfo.username : '')",
  kind: 'request.kind.kind',
  operation: 'request.operation',
  resource: `request.resource.resource + (${SUB_RESOURCE} != '' ? '/' + ${SUB_RESOURCE} : '')`,
  // displayName(): request.name, else the object's name, else `<generateName>*`.
  name:
    `(has(request.name) ? request.name : '') != '' ? request.name : ${metadataText('name')} != '' ? ${metadataText('name')} : ` +
    `${metadataText('generateName')} != '' ? ${metadataText('generateName')} + '*' : ''`,
};

/** A row field read from a path: its values as strings, joined (`join`, else ', ' as fillTokens joins a multivalue), or 'unknown'. */
function rowFieldCel(path: string, join: string | undefined): string | undefined {
  const start = pathStart(path, DYNAMIC_ROOTS);
  if (typeof start === 'string') return undefined;
  const values = valueList(start.value, start.steps as ReturnType<typeof parsePath>['steps'], new MacroVariables(DYNAMIC_ROOTS), NO_FACTS);
  if (!values.exact) return undefined;
  const list = `(${values.cel.text})`;
  return `size(${list}) == 0 ? 'unknown' : ${list}.map(v, string(v)).join(${stringLiteral(join ?? ', ')!.text})`;
}

function tokenCel(rule: RequestRule, token: string): string | undefined {
  const row = rule.rowFields?.find((r) => r.name === token);
  if (row) return rowFieldCel(row.path, row.join);
  return COMMON_FIELDS[token];
}

/** `'Service ' + (ns) + '/' + (name) + …`, or undefined when a token has no CEL form (the VAP then says the template as is). */
export function summaryCel(rule: RequestRule): Cel | undefined {
  const parts: string[] = [];
  let last = 0;
  for (const m of rule.summary.matchAll(/\$([A-Za-z0-9_.]+)\$/g)) {
    const value = tokenCel(rule, m[1]!);
    if (value === undefined) return undefined;
    if (m.index > last) parts.push(stringLiteral(rule.summary.slice(last, m.index))!.text);
    parts.push(`(${value})`);
    last = m.index + m[0].length;
  }
  if (last < rule.summary.length) parts.push(stringLiteral(rule.summary.slice(last))!.text);
  return primary(parts.length === 0 ? "''" : parts.join(' + '));
}

/** The webhook's warning (`riskgate <rule>: <summary>`, clipped as admission-response.ts clips it), over the `summary` variable. */
export function warningCel(rule: RequestRule, summary: string): string {
  const text = `${stringLiteral(`riskgate ${rule.id}: `)!.text} + ${summary}`;
  const max = MAX_WARNING_LENGTH;
  return `size(${text}) > ${max} ? (${text}).substring(0, ${max - 1}) + '…' : ${text}`;
}
