import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const projectDir = fileURLToPath(new URL('../../', import.meta.url))
const bin = fileURLToPath(new URL('../../bin/ccp-bridge.mjs', import.meta.url))

export type CliResult = { code: number; stdout: string; stderr: string; json(): any }

/**
 * Runs the real `ccp-bridge` bin as a user would, and captures its output.
 * @example const r = await runCli(['cert', 'validate', file, '--json']); expect(r.code).toBe(0)
 */
export function runCli(args: string[], options: { env?: Record<string, string>; cwd?: string; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd ?? projectDir,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code: code ?? -1, stdout, stderr, json: () => JSON.parse(stdout) })
    })
    child.stdin.end(options.input ?? '')
  })
}
