// Preloaded into a process the benchmark measures (`node --import ./bench/verify-rss-hook.mjs …`):
// prints that process's peak resident set size (worker threads included) to stderr as it exits.
import { writeSync } from 'node:fs'

process.once('exit', () => {
  writeSync(2, `\nccp-bridge-bench-peak-rss-kib ${process.resourceUsage().maxRSS}\n`)
})
