// The progress line of long replays: nothing on a pipe or before 2 s, then at most twice a second, in place, erased at the end.
import { Writable } from 'node:stream';
import { ProgressLine } from '../../src/outputs/progress-line.js';

function stream(tty: boolean): Writable & { isTTY?: boolean; text: string } {
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out.text += chunk.toString();
      done();
    },
  }) as Writable & { isTTY?: boolean; text: string };
  out.text = '';
  if (tty) out.isTTY = true;
  return out;
}

describe('ProgressLine', () => {
  test('on a terminal: silent for the first 2 s, then redrawn in place at most every 500 ms, erased by done()', async () => {
    let now = 0;
    const out = stream(true);
    const line = new ProgressLine(out, { now: () => now });
    const shown: number[] = [];
    for (now = 0; now <= 3_000; now += 100) line.update(() => (shown.push(now), `at ${now}`));
    line.done();
    await new Promise((r) => setImmediate(r));
    expect(shown).toEqual([2_000, 2_500, 3_000]);
    expect(out.text).toBe('\r\u001b[Kat 2000\r\u001b[Kat 2500\r\u001b[Kat 3000\r\u001b[K');
  });

  test('a pipe or a file (CI logs) gets nothing, and a short run nothing either', async () => {
    let now = 0;
    const pipe = stream(false);
    const quick = stream(true);
    const onPipe = new ProgressLine(pipe, { now: () => now });
    const short = new ProgressLine(quick, { now: () => now });
    for (now = 0; now <= 5_000; now += 100) onPipe.update(() => 'x');
    for (now = 0; now < 2_000; now += 100) short.update(() => 'x');
    onPipe.done();
    short.done();
    await new Promise((r) => setImmediate(r));
    expect(pipe.text).toBe('');
    expect(quick.text).toBe('');
  });
});
