import { Box } from 'ink';
import { afterEach, describe, expect, it } from 'vitest';
import { FlatText, styledPart } from '../../../src/ui/components/FlatText.js';
import { fullGc } from '../../../src/ui/heap-nudge.js';
import { renderAt, tick } from './helpers.js';

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

async function frame(node: React.ReactElement, columns = 40): Promise<{ plain: string; raw: string }> {
  const r = renderAt(node, { columns, rows: 6 });
  unmount = r.unmount;
  await tick();
  return { plain: r.lastFrame(), raw: r.stdout.frames.at(-1) ?? '' };
}

describe('FlatText', () => {
  it('draws each part in place, with its colour and dimming', async () => {
    const { plain, raw } = await frame(
      <Box flexDirection="column">
        <FlatText parts={[{ text: 'api', color: 'cyan' }, { text: ' │ ', dim: true }, { text: 'GET / 200' }]} />
        <FlatText parts={[{ text: 'second row' }]} />
      </Box>,
    );
    expect(plain.split('\n').slice(0, 2)).toEqual(['api │ GET / 200', 'second row']);
    expect(raw).toContain('\x1b[36mapi\x1b[39m');
    expect(raw).toContain('\x1b[2m │ \x1b[22m');
  });

  it('keeps an empty row one line tall', async () => {
    const { plain } = await frame(
      <Box flexDirection="column">
        <FlatText parts={[{ text: 'above' }]} />
        <FlatText parts={[{ text: '' }]} />
        <FlatText parts={[{ text: 'below' }]} />
      </Box>,
    );
    expect(plain.split('\n').slice(0, 3).map((l) => l.trimEnd())).toEqual(['above', '', 'below']);
  });

  it('lays out wide characters through Ink, so the row beside them stays aligned', async () => {
    const { plain } = await frame(
      <Box>
        <Box width={10}>
          <FlatText parts={[{ text: '日本語テキスト' }]} />
        </Box>
        <FlatText parts={[{ text: '|edge' }]} />
      </Box>,
    );
    expect(plain.split('\n')[0]).toMatch(/\|edge$/);
    expect(plain.split('\n')[0]?.indexOf('|edge')).toBeGreaterThan(0);
  });

  it('emits no escape codes for parts without style, and none for unknown colour names', () => {
    expect(styledPart({ text: 'x' })).toBe('x');
    expect(styledPart({ text: 'x', color: '#ff0000' })).toBe('x');
    expect(styledPart({ text: 'x', color: 'magentaBright', dim: true })).toBe('\x1b[2m\x1b[95mx\x1b[39m\x1b[22m');
  });

  it('keeps nothing per distinct row it has drawn (Ink 6 keeps about 200 bytes for each with <Text>)', async () => {
    const rows = (base: number) => (
      <Box flexDirection="column">
        {Array.from({ length: 35 }, (_, i) => (
          <FlatText key={i} parts={[{ text: `line ${String(base + i).padStart(9, '0')} ${'x'.repeat(60)}` }]} />
        ))}
      </Box>
    );
    const r = renderAt(rows(0), { columns: 100, rows: 40 });
    unmount = r.unmount;
    const draw = async (from: number, to: number) => {
      for (let frame = from; frame < to; frame++) {
        r.rerender(rows(frame * 35));
        if (frame % 50 === 0) await tick();
        // The fake terminal keeps every frame; only Ink's own retention is measured.
        r.stdout.frames.length = 0;
      }
      await tick();
      r.stdout.frames.length = 0;
    };
    // Warm up first, so compiled code and caches of fixed size are not counted.
    await draw(1, 100);
    fullGc();
    const before = process.memoryUsage().heapUsed;
    await draw(100, 400);
    fullGc();
    // 10,500 distinct rows: through <Text> this retained 1.7 MiB.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(0.75 * 1024 * 1024);
  });
});
