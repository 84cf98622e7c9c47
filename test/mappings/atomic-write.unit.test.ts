import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AtomicWriteFs } from '../../src/mappings/atomic-write';
import { emptyMappingFile } from '../../src/mappings/mapping-file';
import { readMappingFile, writeMappingFile } from '../../src/mappings/mapping-files';

/** The real file system, with every call that matters for durability recorded in order. */
function recordingFs(overrides: Partial<AtomicWriteFs> = {}) {
  const calls: string[] = [];
  const name = (path: unknown) =>
    String(path)
      .replace(/^.*\//, '')
      .replace(/\.\d+\.\d+\.\d+\.tmp$/, '.tmp');
  const fs: AtomicWriteFs = {
    open: (async (path: string, flags: string) => {
      const handle = await open(path, flags);
      calls.push(`open ${name(path)}`);
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        calls.push(`fsync ${name(path)}`);
        return sync();
      };
      return handle;
    }) as AtomicWriteFs['open'],
    rename: (async (from: string, to: string) => {
      calls.push(`rename ${name(from)} → ${name(to)}`);
      return (overrides.rename ?? rename)(from, to);
    }) as AtomicWriteFs['rename'],
    unlink: (async (path: string) => {
      calls.push(`unlink ${name(path)}`);
      return unlink(path);
    }) as AtomicWriteFs['unlink'],
  };
  return { fs, calls };
}

describe('writing a mapping file: atomic and durable', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'atomic-write-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fsyncs the temporary file before the rename, and the directory after it', async () => {
    const { fs, calls } = recordingFs();
    const file = emptyMappingFile();
    file.products.prod_a = { name: 'A' };
    await writeMappingFile(dir, 'acme', file, fs);
    const base = dir.replace(/^.*\//, '');
    expect(calls).toEqual([`open acme.json.tmp`, `fsync acme.json.tmp`, `rename acme.json.tmp → acme.json`, `open ${base}`, `fsync ${base}`]);
    expect((await readMappingFile(dir, 'acme')).products.prod_a).toEqual({ name: 'A' });
  });

  it('removes the temporary file when the write fails, and leaves the old file as it was', async () => {
    await writeMappingFile(dir, 'acme', emptyMappingFile());
    const before = readFileSync(join(dir, 'acme.json'), 'utf8');
    const { fs, calls } = recordingFs({
      rename: async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
    });
    const file = emptyMappingFile();
    file.products.prod_b = { name: 'B' };
    await expect(writeMappingFile(dir, 'acme', file, fs)).rejects.toThrow(/ENOSPC/);
    expect(calls).toContain('unlink acme.json.tmp');
    expect(readdirSync(dir)).toEqual(['acme.json']);
    expect(readFileSync(join(dir, 'acme.json'), 'utf8')).toBe(before);
  });

  it('also on the real file system: a rename onto a directory fails and leaves no .tmp behind', async () => {
    mkdirSync(join(dir, 'acme.json'));
    await expect(writeMappingFile(dir, 'acme', emptyMappingFile())).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['acme.json']);
  });
});
