import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The file-system calls an atomic write makes; tests pass recording or failing ones. */
export interface AtomicWriteFs {
  open: typeof open;
  rename: typeof rename;
  unlink: typeof unlink;
}

const nodeFs: AtomicWriteFs = { open, rename, unlink };

/** Makes temporary names unique within the process, even for two writes in one millisecond. */
let writes = 0;

/**
 * Replaces `path` with `text` so that a reader, a crash or a power cut only ever leaves the old or
 * the new whole file:
 * - write a temporary file beside it and fsync it, so its bytes are on disk before any name
 *   points at them (without this, some file systems can show an empty file after the rename);
 * - rename it over `path` (atomic on POSIX);
 * - fsync the directory, so the rename itself survives a power cut.
 * On any failure the temporary file is removed, never left beside the real one.
 */
export async function writeFileAtomically(path: string, text: string, fs: AtomicWriteFs = nodeFs): Promise<void> {
  const temporary = `${path}.${process.pid}.${Date.now()}.${++writes}.tmp`;
  try {
    const handle = await fs.open(temporary, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, path);
  } catch (error) {
    await fs.unlink(temporary).catch(() => {});
    throw error;
  }
  await syncDirectory(dirname(path), fs);
}

/** Some platforms (Windows) cannot open or fsync a directory; there the rename is as good as it gets. */
async function syncDirectory(dir: string, fs: AtomicWriteFs): Promise<void> {
  let handle;
  try {
    handle = await fs.open(dir, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'EISDIR' && code !== 'EBADF') throw error;
  } finally {
    await handle.close();
  }
}
