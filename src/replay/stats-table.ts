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

const MISSING = '\u0000';
const GROUPS_FIELD = 'user.groups{}';
const FILL_VALUE = '0';

interface Group {
  values: string[];
  count: number;
  groups: Set<string>;
  groupsMissing: boolean;
}

function compareRows(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return 0;
}

/** Every combination of one value per field: stats emits one row per value of a multivalue BY field. */
function combinations(lists: string[][]): string[][] {
  if (lists.every((l) => l.length === 1)) return [lists.map((l) => l[0]!)];
  let out: string[][] = [[]];
  for (const list of lists) out = out.flatMap((prefix) => list.map((v) => [...prefix, v]));
  return out;
}

/**
 * SPL semantics (shared/splunk-notes.md §5): with ESCU's bare `fillnull`, a missing field becomes "0" only if some
 * result has it (the field universe is the result set), and an event missing a BY field nobody has is dropped by
 * stats; riskgate's searches name their fillnull fields, which creates them. Multivalue BY fields split rows (the
 * event counts in each); values() is the sorted distinct union; rows come sorted by the BY values.
 */
export class StatsTable {
  private readonly groups = new Map<string, Group>();
  private readonly seen = new Set<string>();
  private readonly explicitFill: Set<string> | undefined;

  constructor(
    readonly plan: SearchPlan,
    private readonly read: FieldReader,
  ) {
    this.explicitFill = plan.fillnull === 'all' ? undefined : new Set(plan.fillnull);
  }

  add(event: JsonObject): void {
    const lists = this.plan.byFields.map((field) => {
      const values = this.read(event, field);
      if (values.length > 0) {
        this.seen.add(field);
        return values;
      }
      return [this.explicitFill ? (this.explicitFill.has(field) ? FILL_VALUE : MISSING) : MISSING];
    });
    const groups = this.read(event, GROUPS_FIELD);
    if (groups.length > 0) this.seen.add(GROUPS_FIELD);
    for (const values of combinations(lists)) {
      const key = values.join('\u0001');
      let group = this.groups.get(key);
      if (!group) {
        group = { values, count: 0, groups: new Set(), groupsMissing: false };
        this.groups.set(key, group);
      }
      group.count++;
      for (const g of groups) group.groups.add(g);
      if (groups.length === 0) group.groupsMissing = true;
    }
  }

  /** Resolves missing values against the field universe, merges, renames and sorts. */
  result(): StatsResult {
    const fillable = (field: string) => (this.explicitFill ? this.explicitFill.has(field) : this.seen.has(field));
    const merged = new Map<string, Group>();
    const droppedFields = new Set<string>();
    let droppedEvents = 0;
    for (const group of this.groups.values()) {
      const unfilled = this.plan.byFields.filter((f, i) => group.values[i] === MISSING && !fillable(f));
      if (unfilled.length > 0) {
        unfilled.forEach((f) => droppedFields.add(f));
        droppedEvents += group.count;
        continue;
      }
      const values = group.values.map((v) => (v === MISSING ? FILL_VALUE : v));
      const key = values.join('\u0001');
      const target = merged.get(key) ?? { values, count: 0, groups: new Set<string>(), groupsMissing: false };
      target.count += group.count;
      group.groups.forEach((g) => target.groups.add(g));
      target.groupsMissing ||= group.groupsMissing && fillable(GROUPS_FIELD);
      merged.set(key, target);
    }
    const renamed = this.plan.byFields.map((f) => this.plan.renames.find((r) => r.from === f)?.to ?? f);
    const rows = [...merged.values()]
      .sort((a, b) => compareRows(a.values, b.values))
      .map((g) => {
        const row: StatsRow = {};
        renamed.forEach((name, i) => (row[name] = g.values[i]!));
        row['count'] = String(g.count);
        const groups = new Set(g.groups);
        if (g.groupsMissing) groups.add(FILL_VALUE);
        row['user_groups'] = [...groups].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        return row;
      });
    return { columns: [...renamed, 'count', 'user_groups'], rows, dropped: { events: droppedEvents, fields: [...droppedFields].sort() } };
  }
}
