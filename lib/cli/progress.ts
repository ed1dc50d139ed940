/**
 * Progress output of the CLI: a bar (cli-progress) with steps, steps/s and ETA when stderr is a
 * terminal, plain lines about every two seconds otherwise, nothing with --quiet. No colours at all,
 * so NO_COLOR holds by construction; the bar only moves the cursor.
 */
import cliProgress from 'cli-progress'

import type { Progress } from '../api/types.js'

/** Seconds between plain progress lines when stderr is not a terminal. */
const kPlainSeconds = 2

export interface ProgressReporter {
  update(progress: Progress): void
  /** Ends the bar (leaving its last state on screen) or prints nothing more. */
  stop(): void
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?'
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`
  const m = Math.floor(seconds / 60)
  if (m < 60) return `${m} min ${Math.round(seconds - 60 * m)} s`
  return `${Math.floor(m / 60)} h ${m % 60} min`
}

function rate(progress: Progress): number {
  return progress.seconds > 0 ? progress.step / progress.seconds : 0
}

function barReporter(stream: NodeJS.WriteStream): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'step {value}/{total} [{bar}] {percentage}% | {rate} steps/s | ETA {remaining}',
      barCompleteChar: '#',
      barIncompleteChar: '-',
      hideCursor: true,
      fps: 10,
    },
    cliProgress.Presets.legacy,
  )
  let started = false
  return {
    update(p) {
      const payload = { rate: Math.round(rate(p)), remaining: formatSeconds((p.steps - p.step) / rate(p)) }
      if (!started) bar.start(p.steps, p.step, payload)
      else bar.update(p.step, payload)
      started = true
    },
    stop: () => started && bar.stop(),
  }
}

function lineReporter(stream: NodeJS.WritableStream): ProgressReporter {
  let last = -Infinity
  return {
    update(p) {
      if (p.seconds - last < kPlainSeconds || p.step === p.steps) return
      last = p.seconds
      const percent = ((100 * p.step) / p.steps).toFixed(0)
      const eta = formatSeconds((p.steps - p.step) / rate(p))
      stream.write(`step ${p.step}/${p.steps} (${percent}%), ${Math.round(rate(p))} steps/s, ETA ${eta}\n`)
    },
    stop() {},
  }
}

/** The reporter for `stream`: a bar on a terminal, plain lines otherwise, none if `quiet`. */
export function progressReporter(stream: NodeJS.WriteStream, quiet: boolean): ProgressReporter {
  if (quiet) return { update() {}, stop() {} }
  return stream.isTTY ? barReporter(stream) : lineReporter(stream)
}
