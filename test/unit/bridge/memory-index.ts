import { indexedStatus, type CertificateChange, type ChainCursor, type RegistryIndex } from '../../../src/bridge/registry-index.ts'
import type { Hex, RegistryStatus } from '../../../src/ports.ts'

type Row = { certHash: Hex; agent: string; status: RegistryStatus | undefined; lastBlock: bigint; lastLogIndex: number; change: CertificateChange }
type Logged = { type: string; certHash: Hex; status: RegistryStatus | undefined; block: bigint | null; logIndex: number }

/**
 * The registry index in memory, with the SQL index's rules (adapters/sql/certificates.ts): changes at or below the head
 * are skipped, each certificate's changes apply in chain order, a rewind restores statuses from the log.
 */
export function memoryIndex(): RegistryIndex & { rows: Map<Hex, Row>; log: Logged[]; current(): ChainCursor | undefined } {
  const rows = new Map<Hex, Row>()
  const log: Logged[] = []
  let head: ChainCursor | undefined
  return {
    rows,
    log,
    current: () => head,
    async head() {
      return head && structuredClone(head)
    },
    async record(changes, next) {
      if (head && head.block >= next.block) return []
      const recorded: Array<CertificateChange & { status: RegistryStatus | undefined }> = []
      for (const change of changes) {
        if (head && change.block <= head.block) continue
        const row = rows.get(change.certHash)
        if (row && (row.lastBlock > change.block || (row.lastBlock === change.block && row.lastLogIndex >= change.logIndex))) continue
        const status = indexedStatus(row?.status, change)
        rows.set(change.certHash, { certHash: change.certHash, agent: change.agent, status, lastBlock: change.block, lastLogIndex: change.logIndex, change: row?.change.type === 'published' && change.type !== 'published' ? row.change : change })
        log.push({ type: change.type, certHash: change.certHash, status, block: change.block, logIndex: change.logIndex })
        recorded.push({ ...change, status })
      }
      head = structuredClone(next)
      return recorded
    },
    async rewind(to) {
      const toBlock = to?.block ?? -1n
      const out: Array<{ certHash: Hex; status: RegistryStatus | undefined }> = []
      for (const row of [...rows.values()].filter((r) => r.lastBlock > toBlock)) {
        const before = log.filter((l) => l.certHash === row.certHash && l.block !== null && l.block <= toBlock && l.type !== 'dropped').at(-1)
        if (!before) {
          rows.delete(row.certHash)
          log.push({ type: 'dropped', certHash: row.certHash, status: undefined, block: null, logIndex: -1 })
          out.push({ certHash: row.certHash, status: undefined })
        } else {
          rows.set(row.certHash, { ...row, status: before.status, lastBlock: before.block!, lastLogIndex: before.logIndex })
          log.push({ type: 'reorged', certHash: row.certHash, status: before.status, block: toBlock, logIndex: before.logIndex })
          out.push({ certHash: row.certHash, status: before.status })
        }
      }
      head = to && structuredClone(to)
      return out
    },
  }
}
