/**
 * Replacing a file so that no reader ever sees half of it (checkpoints, the frames manifest).
 */
import { randomBytes } from 'node:crypto'
import { open, rename, unlink } from 'node:fs/promises'
import path from 'node:path'

/**
 * Writes `bytes` to `file` atomically: a temporary file beside it, fsync, rename over `file`, fsync
 * of the directory (so the rename itself survives a power cut). A crash at any point leaves `file`
 * as it was or as the new whole; at worst a stray `*.tmp` file remains.
 */
export async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  const handle = await open(temporary, 'wx', 0o644)
  try {
    await handle.writeFile(bytes)
    await handle.sync()
  } catch (error) {
    await handle.close()
    await unlink(temporary).catch(() => {})
    throw error
  }
  await handle.close()
  await rename(temporary, file).catch(async (error: unknown) => {
    await unlink(temporary).catch(() => {})
    throw error
  })
  await syncDirectory(path.dirname(file))
}

/** fsyncs a directory; platforms that cannot open one (Windows) skip it. */
async function syncDirectory(directory: string): Promise<void> {
  let handle
  try {
    handle = await open(directory, 'r')
  } catch {
    return
  }
  try {
    await handle.sync()
  } catch {
    // Some file systems refuse fsync on a directory; the rename is then as durable as they make it.
  } finally {
    await handle.close()
  }
}
