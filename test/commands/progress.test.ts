import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/commands/progress.js';

function sink(isTTY: boolean): Writable & { isTTY: boolean; columns: number; text: string } {
  const s = new Writable({
    write(chunk, _enc, cb) {
      s.text += String(chunk);
      cb();
    },
  }) as Writable & { isTTY: boolean; columns: number; text: string };
  s.isTTY = isTTY;
  s.columns = 40;
  s.text = '';
  return s;
}

describe('fleet progress line', () => {
  it('on a terminal: one line rewritten in place, names escaped and cut, cleared at the end', () => {
    const s = sink(true);
    const p = createProgress(3, s, {});
    p.tick('releases/eu');
    p.tick('releases/\u001b]0;evil\u0007');
    p.tick(`releases/${'x'.repeat(100)}`);
    p.done();
    expect(s.text).toContain('[1/3] releases/eu');
    expect(s.text).toContain('[2/3] releases/\\x1b]0;evil\\x07');
    expect(s.text).not.toContain('\u0007');
    expect(s.text.split('\r\u001b[2K').at(-2)!.length).toBeLessThanOrEqual(40);
    expect(s.text.endsWith('\r\u001b[2K')).toBe(true);
  });

  it('never when piped, never in CI, never for one deployment', () => {
    for (const [tty, env, total] of [[false, {}, 3], [true, { CI: 'true' }, 3], [true, {}, 1]] as const) {
      const s = sink(tty);
      const p = createProgress(total, s, env);
      p.tick('a');
      p.done();
      expect(s.text).toBe('');
    }
  });
});
