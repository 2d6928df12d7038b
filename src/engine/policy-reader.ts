// Reads YAML nodes of a policy file: mappings, strings, lists and actions, failing with file:line:column and the key.
import { Pair, YAMLMap, YAMLSeq, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { LineCounter, Node } from 'yaml';
import { RiskgateError } from '../riskgate-error.js';
import type { Action } from './policy.js';

export class PolicyError extends RiskgateError {
  constructor(
    code: string,
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly key: string,
    detail: string,
  ) {
    super(code, `${file}:${line}:${column}: ${key ? `${key}: ` : ''}${detail}`);
    this.name = 'PolicyError';
  }
}

export class PolicyReader {
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  private offsetOf(node: Node | Pair | null | undefined): number {
    return (isPair(node) ? (node.key as Node | null)?.range?.[0] : (node as Node | null | undefined)?.range?.[0]) ?? 0;
  }

  /** `file:line` of a node (a pair: of its key). */
  where(node: Node | Pair | null | undefined): string {
    return `${this.file}:${this.lines.linePos(this.offsetOf(node)).line}`;
  }

  fail(code: string, node: Node | Pair | null | undefined, key: string, detail: string): never {
    const pos = this.lines.linePos(this.offsetOf(node));
    throw new PolicyError(code, this.file, pos.line, pos.col, key, detail);
  }

  map(node: unknown, key: string): YAMLMap {
    if (node === null || node === undefined) return new YAMLMap();
    if (!isMap(node)) this.fail('POLICY_NOT_A_MAP', node as Node, key, 'must be a mapping');
    return node;
  }

  /** The pairs of a mapping, each with its key name; a key outside `allowed` is an error naming the allowed ones. */
  entries(map: YAMLMap, key: string, allowed: readonly string[]): Array<[string, Pair]> {
    return map.items.map((pair) => {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      const path = key ? `${key}.${name}` : name;
      if (!allowed.includes(name)) this.fail('POLICY_UNKNOWN_KEY', pair, path, `unknown key (expected one of: ${allowed.join(', ')})`);
      return [name, pair];
    });
  }

  string(node: unknown, key: string): string {
    if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') {
      this.fail('POLICY_NOT_A_STRING', node as Node, key, 'must be a non-empty string');
    }
    return node.value;
  }

  stringList(node: unknown, key: string): string[] {
    if (node === null || (isScalar(node) && node.value === null)) return [];
    if (!isSeq(node)) this.fail('POLICY_NOT_A_LIST', node as Node, key, 'must be a list of strings');
    return (node as YAMLSeq).items.map((item, i) => this.string(item, `${key}[${i}]`));
  }

  boolean(node: unknown, key: string): boolean {
    if (!isScalar(node) || typeof node.value !== 'boolean') this.fail('POLICY_NOT_A_BOOLEAN', node as Node, key, 'must be true or false');
    return node.value;
  }

  action(node: unknown, key: string, allowed: readonly Action[]): Action {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail('POLICY_UNKNOWN_ACTION', node as Node, key, `unknown action ${JSON.stringify(value ?? null)} (expected one of: ${allowed.join(', ')})`);
    }
    return value as Action;
  }
}
