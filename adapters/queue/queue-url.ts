import { BridgeError } from '../../src/errors.ts'

/**
 * The queue's database from a `--queue URL` option, else `$DATABASE_URL`: a PostgreSQL URL (pg-boss runs on PostgreSQL).
 * @example queueUrl(values.queue) // 'postgres://…'
 */
export function queueUrl(option: string | undefined): string {
  const url = option ?? process.env.DATABASE_URL
  if (!url) throw new BridgeError('BAD_ARGUMENTS', 'missing --queue URL (a PostgreSQL database; or set DATABASE_URL)')
  if (!/^postgres(ql)?:\/\//.test(url)) throw new BridgeError('BAD_ARGUMENTS', '--queue expects a PostgreSQL URL (postgres://…)')
  return url
}
