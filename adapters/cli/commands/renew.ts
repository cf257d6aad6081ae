import { runPublish } from './publish.ts'

/** `ccp-bridge renew <cert.json> --replaces <oldCertHash> …`: publishes a successor; the registry marks the old one EXPIRED. */
export async function run(args: string[]): Promise<number> {
  return runPublish(args, 'renew')
}
