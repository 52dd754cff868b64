import { randomBytes } from 'node:crypto';
import type { HostileAnswer } from './images.js';
import { archive, entryBytes, type RawEntry } from './tar-craft.js';

/**
 * The hostile answers a lying container gives to sync's fetch (`tar c`),
 * each for one container folder. `setup` makes the real files there, so the
 * listing asks for those names; the crafted archive then says something
 * else about them. `expect` says what must happen to each entry.
 */

/** What must become of one entry: refused (reason pattern), written (local content / link target), or cut off. */
export type Expected = { entry: string; hostile?: boolean } & ({ refused: RegExp } | { file: string; mode?: number } | { link: string });

export interface HostileCase {
  /** Container folder name under /app, also the key of the crafted answer. */
  name: string;
  answer: HostileAnswer;
  /** Shell run in /app/<name> before sync starts. */
  setup: string;
  /** Local files present before sync starts (name → content). */
  local?: Record<string, string>;
  /** Refused entries count as hostile; `hostile: true` marks tricks that are defused rather than refused. */
  expect: Expected[];
  /** engine:warning messages that must appear (a cut-off or malformed transfer is a warning, not a refusal of one path). */
  warns?: RegExp[];
}

/** The hostile entries of a case: every refusal plus the tricks that are defused rather than refused. */
export function hostileEntries(c: HostileCase): Expected[] {
  return c.expect.filter((e) => 'refused' in e || e.hostile);
}

const TI = 1024 ** 4;
export const CRAFTED = 'from the crafted archive\n';
const long = (n: number): string => 'x'.repeat(n);
/** A 200-character path of ordinary components (needs pax or the ustar prefix). */
export const DEEP = `deep/${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(60)}.txt`;
export const ESC_NAME = 'esc-\x1b]0;pwned\x07-\x1b[31mred.txt';

/** Every case; `canary` is an absolute local folder outside the sync root that must stay empty. */
export function hostileCases(canary: string): HostileCase[] {
  const mixed: RawEntry[] = [
    { name: 'good.txt', body: CRAFTED },
    { name: '../escape-dotdot.txt', body: 'x' },
    { name: 'sub/../../escape-nested.txt', body: 'x' },
    { name: `${canary}/absolute.txt`, body: 'x' },
    { name: 'link-out', type: '2', linkname: canary },
    { name: 'link-out/evil.txt', body: 'x' },
    { name: 'link-up', type: '2', linkname: '..' },
    { name: 'link-up/evil.txt', body: 'x' },
    { name: 'sub/', type: '5', mode: 0o755 },
    { name: 'link-in', type: '2', linkname: 'sub' },
    { name: 'link-in/evil.txt', body: 'x' },
    { name: 'hard-abs', type: '1', linkname: '/etc/passwd' },
    { name: 'hard-up', type: '1', linkname: '../sentinel.txt' },
    { name: 'hard-local', type: '1', linkname: 'secret.env' },
    { name: 'hard-dir', type: '1', linkname: 'sub' },
    { name: 'hard-good', type: '1', linkname: 'good.txt' },
    { name: 'dev-null', type: '3', devmajor: 1, devminor: 3 },
    { name: 'dev-sda', type: '4', devmajor: 8, devminor: 0 },
    { name: 'fifo', type: '6' },
    { name: 'new\nline.txt', body: 'x' },
    { name: ESC_NAME, body: 'x' },
    { name: 'pax-innocent.txt', pax: { path: '../pax-escape.txt' }, body: 'x' },
    { name: 'pax-link', type: '2', linkname: 'good.txt', pax: { linkpath: canary } },
    { name: 'pax-nul', pax: { path: 'ok.txt\0/../../pax-nul-escape.txt' }, body: 'x' },
    { name: 'gnu-innocent', gnuLongName: '../gnu-escape.txt', body: 'x' },
    { name: 'prefix-escape.txt', prefix: '../..', body: 'x' },
    { name: Buffer.from('nul.txt\0/../../nul-escape.txt'), body: CRAFTED },
    { name: 'too-long', pax: { path: long(300) }, body: 'x' },
    { name: 'deep-short-name', pax: { path: DEEP }, body: CRAFTED },
    { name: 'dup.txt', body: 'first\n' },
    { name: 'dup.txt', type: '2', linkname: `${canary}/dup-target` },
    { name: 'extra.txt', body: 'x' },
    { name: '.devspace/cache.json', body: '{}' },
    { name: 'sparse.bin', type: 'S', body: 'x' },
    { name: 'suid.sh', mode: 0o4755, body: '#!/bin/sh\n' },
    { name: './', type: '2', linkname: canary },
  ];
  return [
    {
      name: 'mixed',
      answer: { archive: archive(mixed) },
      setup: [
        'mkdir -p sub link-out link-up link-in "deep/$(printf "d%.0s" $(seq 60))/$(printf "e%.0s" $(seq 60))"',
        `for f in good.txt link-out/evil.txt link-up/evil.txt link-in/evil.txt hard-abs hard-up hard-local hard-dir hard-good dev-null dev-sda fifo pax-link dup.txt sparse.bin suid.sh nul.txt; do echo real > "$f"; done`,
        `echo real > "deep/$(printf "d%.0s" $(seq 60))/$(printf "e%.0s" $(seq 60))/$(printf "f%.0s" $(seq 60)).txt"`,
        `printf real > "$(printf '${ESC_NAME.replace(/\x1b/g, '\\033').replace(/\x07/g, '\\007')}')"`,
      ].join(' && '),
      local: { 'secret.env': 'TOKEN=local-only\n' },
      expect: [
        { entry: 'good.txt', file: CRAFTED },
        { entry: '../escape-dotdot.txt', refused: /climbs out/ },
        { entry: 'sub/../../escape-nested.txt', refused: /climbs out/ },
        { entry: `${canary}/absolute.txt`, refused: /absolute/ },
        { entry: 'link-out', refused: /outside/ },
        { entry: 'link-out/evil.txt', refused: /refused entry/ },
        { entry: 'link-up', refused: /outside/ },
        { entry: 'link-up/evil.txt', refused: /refused entry/ },
        { entry: 'link-in', link: 'sub' },
        { entry: 'link-in/evil.txt', refused: /symlink/ },
        { entry: 'hard-abs', refused: /hard link/ },
        { entry: 'hard-up', refused: /hard link/ },
        { entry: 'hard-local', refused: /hard link/ },
        { entry: 'hard-dir', refused: /hard link/ },
        { entry: 'hard-good', file: CRAFTED },
        { entry: 'dev-null', refused: /device/ },
        { entry: 'dev-sda', refused: /device/ },
        { entry: 'fifo', refused: /FIFO/ },
        { entry: 'new\nline.txt', refused: /newline/ },
        { entry: ESC_NAME, refused: /control character/ },
        { entry: '../pax-escape.txt', refused: /climbs out/ },
        { entry: 'pax-link', refused: /outside/ },
        { entry: 'ok.txt\0/../../pax-nul-escape.txt', refused: /NUL/ },
        { entry: '../gnu-escape.txt', refused: /climbs out/ },
        { entry: '../../prefix-escape.txt', refused: /climbs out/ },
        { entry: 'nul.txt', file: CRAFTED, hostile: true },
        { entry: long(300), refused: /too long/ },
        { entry: DEEP, file: CRAFTED },
        { entry: 'dup.txt', refused: /outside/ },
        { entry: 'dup.txt', file: 'first\n' },
        { entry: 'extra.txt', refused: /not requested/ },
        { entry: '.devspace/cache.json', refused: /not requested/ },
        { entry: 'sparse.bin', refused: /unsupported/ },
        { entry: 'suid.sh', mode: 0o755, file: '#!/bin/sh\n', hostile: true },
        { entry: './', refused: /sync folder itself/ },
      ],
    },
    {
      // For `devspace sync` through the built CLI: a few of the tricks above, as a user would meet them.
      name: 'cli',
      answer: {
        archive: archive([
          { name: 'good.txt', body: CRAFTED },
          { name: '../escape.txt', body: 'x' },
          { name: 'link-out', type: '2', linkname: canary },
          { name: 'link-out/evil.txt', body: 'x' },
          { name: 'new\nline.txt', body: 'x' },
          { name: 'dev-null', type: '3', devmajor: 1, devminor: 3 },
          { name: 'big.bin', pax: { size: String(TI) } },
        ]),
      },
      setup: 'mkdir -p link-out && for f in good.txt link-out/evil.txt dev-null big.bin; do echo real > "$f"; done',
      expect: [
        { entry: 'good.txt', file: CRAFTED },
        { entry: '../escape.txt', refused: /climbs out/ },
        { entry: 'link-out', refused: /outside/ },
        { entry: 'link-out/evil.txt', refused: /refused entry/ },
        { entry: 'new\nline.txt', refused: /newline/ },
        { entry: 'dev-null', refused: /device/ },
        { entry: 'big.bin', refused: /free/ },
      ],
    },
    {
      // A header announcing 1 TiB (pax size), then a stream that keeps sending zeros.
      name: 'huge',
      answer: { archive: archive([{ name: 'before.txt', body: CRAFTED }, { name: 'huge.bin', pax: { size: String(TI) } }], false), zerosMiB: 3072 },
      // sparse.bin is honest: a real 1 TiB (sparse) file, refused from the listing before any fetch.
      setup: 'echo real-before > before.txt && echo real-huge > huge.bin && echo real-after > after.txt && truncate -s 1099511627776 sparse.bin',
      expect: [
        { entry: 'before.txt', file: CRAFTED },
        { entry: 'huge.bin', refused: /announces 1\.0 TiB, more than the .* free on the local disk/ },
        { entry: 'after.txt', file: 'real-after\n' },
        { entry: 'sparse.bin', refused: /^1\.0 TiB, more than the .* free on the local disk$/ },
      ],
    },
    {
      // 1 TiB in the base-256 size field, and the stream just ends.
      name: 'huge256',
      answer: { archive: archive([{ name: 'big.bin', size: TI }], false) },
      setup: 'echo real-big > big.bin && echo real-other > other.txt',
      expect: [
        { entry: 'big.bin', refused: /free/ },
        { entry: 'other.txt', file: 'real-other\n' },
      ],
    },
    {
      // The data of a file stops half way and the stream ends: nothing half-written stays.
      name: 'truncated',
      answer: { archive: Buffer.concat([archive([{ name: 't-good.txt', body: CRAFTED }], false), entryBytes({ name: 't-cut.bin', size: 100_000, body: Buffer.alloc(10_240, 7) })]) },
      setup: 'echo real-good > t-good.txt && echo real-cut > t-cut.bin',
      expect: [
        { entry: 't-good.txt', file: CRAFTED },
        { entry: 't-cut.bin', file: 'real-cut\n', hostile: true },
      ],
      warns: [/malformed|cut off|ended/],
    },
    {
      // A valid entry, then bytes that are no tar header at all.
      name: 'garbage',
      answer: { archive: Buffer.concat([archive([{ name: 'g-good.txt', body: CRAFTED }], false), randomBytes(8192)]) },
      setup: 'echo real-good > g-good.txt && echo real-next > g-next.txt',
      expect: [
        { entry: 'g-good.txt', file: CRAFTED },
        { entry: 'g-next.txt', file: 'real-next\n', hostile: true },
      ],
      warns: [/malformed|invalid/i],
    },
    {
      // A complete archive followed by an endless run of zero blocks (which tar readers skip).
      name: 'zeros',
      answer: { archive: archive([{ name: 'z-good.txt', body: CRAFTED }], false), zerosMiB: 3072 },
      setup: 'echo real-good > z-good.txt && echo real-next > z-next.txt',
      expect: [
        { entry: 'z-good.txt', file: CRAFTED },
        { entry: 'z-next.txt', file: 'real-next\n', hostile: true },
      ],
      warns: [/not file data|kept sending/],
    },
    {
      // Far more entries than were asked for.
      name: 'flood',
      answer: { archive: archive([{ name: 'f-good.txt', body: CRAFTED }, ...Array.from({ length: 3000 }, (_, i) => ({ name: `flood-${i}.txt`, body: 'x' }))]) },
      setup: 'echo real-good > f-good.txt && echo real-next > f-next.txt',
      expect: [
        { entry: 'f-good.txt', file: CRAFTED },
        { entry: 'flood-0.txt', refused: /not requested/ },
        { entry: 'f-next.txt', file: 'real-next\n' },
      ],
      warns: [/more entries than/],
    },
  ];
}
