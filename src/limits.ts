/**
 * Every input limit of the bridge, in one place. A file, HTTP body or stored document larger than its limit is refused
 * (INPUT_TOO_LARGE, naming the file or URL and the limit) before it is parsed, so no input can make the process grow
 * without bound. Streamed inputs (trail files) are bounded per line or record, not in total.
 * @example if (size > LIMITS.certificate.bytes) throw … // "cert.json is larger than 4 MiB, the limit for a certificate"
 */
export const MiB = 1024 * 1024

/** A named byte limit: `what` completes "the limit for …" in messages. */
export type InputLimit = { readonly bytes: number; readonly what: string }

export const LIMITS = {
  /** a certificate file (`cert`, `publish`, `renew`): a few KiB in practice */
  certificate: { bytes: 4 * MiB, what: 'a certificate' },
  /** one grant file (a grant, an array of grants or {"agreements": [...]}) */
  grants: { bytes: 64 * MiB, what: 'a grants file' },
  /** a GAR HTTP answer `{"agreements": [...]}`, read as a stream and cut at this size */
  garAnswer: { bytes: 64 * MiB, what: 'a GAR answer' },
  /** a containment config or a risk policy (JSON or YAML) */
  config: { bytes: 4 * MiB, what: 'a config or policy file' },
  /** the orchestrator's keys file `{agents: {...}}` */
  keysFile: { bytes: 64 * MiB, what: 'a keys file' },
  /** a private key file (its first line is the key) */
  keyFile: { bytes: 64 * 1024, what: 'a key file' },
  /** a trail JSON file read whole (one item, an array, a bundle or a node answer); larger trails: JSON Lines or .pb */
  trailJson: { bytes: 256 * MiB, what: 'a trail JSON file (use JSON Lines for larger trails)' },
  /** a file holding one bare DDC ActivityRecord (protobuf) */
  activityRecord: { bytes: 16 * MiB, what: 'a single ActivityRecord file' },
  /** one line of a JSON Lines trail file (an SCP record, a batch or a round); the file itself is streamed */
  trailLine: { bytes: 16 * MiB, what: 'one line of a JSON Lines trail file' },
  /** an era's events file (JSON Lines, read whole) */
  events: { bytes: 512 * MiB, what: 'an events file' },
  /** cluster params or per-customer usage for reconcile */
  settlementInput: { bytes: 256 * MiB, what: 'a params or usage file' },
  /** a document read back from the local content store (a certificate or a trail report) */
  storedDocument: { bytes: 256 * MiB, what: 'a stored document' },
  /** the state file of publish steps and the watch cursor */
  stateFile: { bytes: 64 * MiB, what: 'the state file' },
  /** an era scan cursor file */
  cursorFile: { bytes: 1 * MiB, what: 'a cursor file' },
} as const satisfies Record<string, InputLimit>

/** The longest excerpt of an input an error message or a printed line echoes (longer text is cut in the middle). */
export const MAX_ECHO_CHARS = 400

/**
 * A byte count for messages: `4 MiB`, `64 KiB`, `12 bytes`.
 * @example formatBytes(LIMITS.certificate.bytes) // '4 MiB'
 */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`
  return `${bytes} bytes`
}
