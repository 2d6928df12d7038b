// The CSV export as a spreadsheet reads it: one header, one row per event, quoting, and names that look like formulas kept as text.
import { csvCell, CSV_COLUMNS, eventsCsv } from '../../src/auditor/event-export.js';
import { auditorEvents } from './auditor-events.js';

test.each([
  ['plain', 'plain'],
  ['a, b', '"a, b"'],
  ['say "hi"', '"say ""hi"""'],
  ['two\nlines', '"two\nlines"'],
  ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
  ['+1', "'+1"],
  ['-1', "'-1"],
  ['@SUM(A1)', "'@SUM(A1)"],
])('cell %j is written as %j', (text, cell) => expect(csvCell(text)).toBe(cell));

test('one row per event under the header; the request uid and the object name in their columns', () => {
  const events = auditorEvents();
  const lines = eventsCsv(events).split('\r\n');
  expect(lines[0]).toBe(CSV_COLUMNS.join(','));
  expect(lines).toHaveLength(events.length + 2); // header, rows, and the empty string after the last CRLF
  const col = (name: string) => CSV_COLUMNS.indexOf(name as (typeof CSV_COLUMNS)[number]);
  const mallory = lines.find((l) => l.includes('mallory'))!.split(',');
  expect(mallory[col('name')]).toBe('<script>alert(1)</script>');
  const event = events.find((e) => e.fields['user'] === 'mallory')!;
  expect(mallory[col('request_uid')]).toBe(event.fields['uid']);
  expect(mallory[col('event_id')]).toBe(event.event_id);
});
