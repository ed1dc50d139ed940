/**
 * Making sure an output directory exists and takes files, before any step runs. Node's recursive
 * mkdir loops forever on file systems such as procfs (mkdir says ENOENT for a parent that exists), so
 * the path is walked one level at a time: stat each prefix, create a missing one without `recursive`,
 * then create and remove a probe file. Every step is one system call that fails or succeeds.
 */
import { constants } from 'node:fs'
import { mkdir, open, stat, unlink } from 'node:fs/promises'
import path from 'node:path'

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code
}

/** Creates `dir` level by level; throws an Error that says which level could not be used and why. */
async function makeLevels(dir: string): Promise<void> {
  const absolute = path.resolve(dir)
  const { root } = path.parse(absolute)
  let current = root
  for (const part of absolute.slice(root.length).split(path.sep).filter(Boolean)) {
    current = path.join(current, part)
    const found = await stat(current).catch((error: unknown) => {
      if (codeOf(error) === 'ENOENT') return null
      throw error
    })
    if (found === null) {
      await mkdir(current).catch(async (error: unknown) => {
        // Another process may have made it meanwhile; anything else is the answer.
        if (codeOf(error) !== 'EEXIST' || !(await stat(current)).isDirectory()) throw error
      })
    } else if (!found.isDirectory()) {
      throw new Error(`ENOTDIR: ${current} exists and is not a directory`)
    }
  }
}

/** Checks that files can be created in `dir` (an existing directory) by creating and removing one. */
async function probeWrite(dir: string): Promise<void> {
  const probe = path.join(dir, `.calor-probe-${process.pid}-${Date.now()}`)
  const { O_CREAT, O_EXCL, O_WRONLY } = constants
  const handle = await open(probe, O_CREAT | O_EXCL | O_WRONLY)
  await handle.close()
  await unlink(probe)
}

/**
 * Makes `dir` (and any missing parents) and checks that it takes new files. `name` names the option in
 * the error, e.g. `options.frames.dir: cannot create /proc/x: ENOENT: no such file or directory, mkdir '/proc/x'`.
 */
export async function ensureWritableDirectory(name: string, dir: string): Promise<void> {
  const fail = (what: string) => (error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(`${name}: ${what} ${dir}: ${reason}`, { cause: error })
  }
  await makeLevels(dir).catch(fail('cannot create'))
  await probeWrite(dir).catch(fail('cannot write files in'))
}
