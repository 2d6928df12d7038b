// Emulates the tail of a rule's search over the events it matched: fillnull, `stats count values(user.groups{}) by …`, rename.
import type { JsonObject } from '../request/json-value.js';
import type { SearchPlan } from '../spl/search-plan.js';

/** A result row: column name → value(s), columns in SPL order (renamed BY fields, count, user_groups). */
export interface StatsRow {
  [column: string]: string | string[];
}

export interface StatsResult {
  columns: string[];
  rows: StatsRow[];
  /** Events whose rows stats dropped: a BY field missing from every result, so bare fillnull never created it. */
  dropped: { events: number; fields: string[] };
}

/** A field value source for one event: raw extraction or a field the search derives (see event-fields.ts). */
export type FieldReader = (event: JsonObject, field: string) => string[];

const GROUPS_FIELD = 'user.groups{}';
const FILL_VALUE = '0';

/** One group while events are added: its BY values live only in the map key (see ColumnValues), to keep it small. */
interface Group {
  count: number;
  /** The sorted distinct user.groups{} values, as a key of the GroupSets pool. */
  groups: string;
  groupsMissing: boolean;
}

/** The distinct values of one BY column, numbered: a row key is a short list of numbers, each value string kept once. */
class ColumnValues {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [];

  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.push(value) - 1;
      this.ids.set(value, id);
    }
    return id;
  }

  value(id: number): string {
    return this.values[id]!;
  }
}

/** Row keys: the value numbers of each column joined with `,`, `!` for a value the event did not have (MISSING until result()). */
class RowKeys {
  private readonly columns: ColumnValues[];

  constructor(width: number) {
    this.columns = Array.from({ length: width }, () => new ColumnValues());
  }

  encode(values: ReadonlyArray<string | undefined>): string {
    return values.map((v, i) => (v === undefined ? '!' : String(this.columns[i]!.id(v)))).join(',');
  }

  decode(key: string): Array<string | undefined> {
    if (this.columns.length === 0) return [];
    return key.split(',').map((t, i) => (t === '!' ? undefined : this.columns[i]!.value(Number(t))));
  }
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Interned sets of group names, keyed by their sorted JSON text: most rows share a few sets. */
class GroupSets {
  private readonly sets = new Map<string, readonly string[]>([['[]', []]]);

  static readonly EMPTY = '[]';

  of(names: Iterable<string>): string {
    const sorted = [...new Set(names)].sort(byText);
    const key = JSON.stringify(sorted);
    if (!this.sets.has(key)) this.sets.set(key, sorted);
    return key;
  }

  union(a: string, b: string): string {
    if (a === b || b === GroupSets.EMPTY) return a;
    if (a === GroupSets.EMPTY) return b;
    return this.of([...this.names(a), ...this.names(b)]);
  }

  names(key: string): readonly string[] {
    return this.sets.get(key)!;
  }
}

/** String order of the BY values, in BY order (they are strings in every row). */
function compareRows(columns: readonly string[], a: StatsRow, b: StatsRow): number {
  for (const column of columns) {
    const x = a[column] as string;
    const y = b[column] as string;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

/** Every combination of one value per field: stats emits one row per value of a multivalue BY field. */
function combinations(lists: Array<Array<string | undefined>>): Array<Array<string | undefined>> {
  if (lists.every((l) => l.length === 1)) return [lists.map((l) => l[0])];
  let out: Array<Array<string | undefined>> = [[]];
  for (const list of lists) out = out.flatMap((prefix) => list.map((v) => [...prefix, v]));
  return out;
}

/**
 * SPL semantics (shared/splunk-notes.md §5): with ESCU's bare `fillnull`, a missing field becomes "0" only if some
 * result has it (the field universe is the result set), and an event missing a BY field nobody has is dropped by
 * stats; riskgate's searches name their fillnull fields, which creates them. Multivalue BY fields split rows (the
 * event counts in each); values() is the sorted distinct union; rows come sorted by the BY values.
 * Memory: per distinct row, one map entry (a key of value numbers, a count, an interned group set); each distinct
 * value string once per column.
 */
export class StatsTable {
  private readonly groups = new Map<string, Group>();
  private readonly keys: RowKeys;
  private readonly groupSets = new GroupSets();
  private readonly seen = new Set<string>();
  private readonly explicitFill: Set<string> | undefined;

  constructor(
    readonly plan: SearchPlan,
    private readonly read: FieldReader,
  ) {
    this.explicitFill = plan.fillnull === 'all' ? undefined : new Set(plan.fillnull);
    this.keys = new RowKeys(plan.byFields.length);
  }

  add(event: JsonObject): void {
    const lists = this.plan.byFields.map((field): Array<string | undefined> => {
      const values = this.read(event, field);
      if (values.length > 0) {
        this.seen.add(field);
        return values;
      }
      return [this.explicitFill?.has(field) ? FILL_VALUE : undefined];
    });
    const names = this.read(event, GROUPS_FIELD);
    if (names.length > 0) this.seen.add(GROUPS_FIELD);
    const groups = names.length > 0 ? this.groupSets.of(names) : GroupSets.EMPTY;
    for (const values of combinations(lists)) {
      const key = this.keys.encode(values);
      let group = this.groups.get(key);
      if (!group) {
        group = { count: 0, groups, groupsMissing: false };
        this.groups.set(key, group);
      }
      group.count++;
      group.groups = this.groupSets.union(group.groups, groups);
      if (names.length === 0) group.groupsMissing = true;
    }
  }

  /**
   * Resolves missing values against the field universe, merges, renames and sorts. Consumes the table (each group is
   * dropped as its row is made, so a large table is not held twice): call it once, after the last add().
   */
  result(): StatsResult {
    const fillable = (field: string) => (this.explicitFill ? this.explicitFill.has(field) : this.seen.has(field));
    const renamed = this.plan.byFields.map((f) => this.plan.renames.find((r) => r.from === f)?.to ?? f);
    const merged = new Map<string, { row: StatsRow; count: number; groups: string; groupsMissing: boolean }>();
    const droppedFields = new Set<string>();
    let droppedEvents = 0;
    for (const [encoded, group] of this.groups) {
      this.groups.delete(encoded);
      const raw = this.keys.decode(encoded);
      const unfilled = this.plan.byFields.filter((f, i) => raw[i] === undefined && !fillable(f));
      if (unfilled.length > 0) {
        unfilled.forEach((f) => droppedFields.add(f));
        droppedEvents += group.count;
        continue;
      }
      const values = raw.map((v) => v ?? FILL_VALUE);
      const key = raw.includes(undefined) ? this.keys.encode(values) : encoded;
      let target = merged.get(key);
      if (!target) {
        const row: StatsRow = {};
        renamed.forEach((name, i) => (row[name] = values[i]!));
        target = { row, count: 0, groups: GroupSets.EMPTY, groupsMissing: false };
        merged.set(key, target);
      }
      target.count += group.count;
      target.groups = this.groupSets.union(target.groups, group.groups);
      target.groupsMissing ||= group.groupsMissing && fillable(GROUPS_FIELD);
    }
    const rows = [...merged.values()].map(({ row, count, groups, groupsMissing }) => {
      row['count'] = String(count);
      const names = this.groupSets.names(groups);
      row['user_groups'] = groupsMissing && !names.includes(FILL_VALUE) ? [...names, FILL_VALUE].sort(byText) : [...names];
      return row;
    });
    merged.clear();
    rows.sort((a, b) => compareRows(renamed, a, b));
    return { columns: [...renamed, 'count', 'user_groups'], rows, dropped: { events: droppedEvents, fields: [...droppedFields].sort() } };
  }
}
