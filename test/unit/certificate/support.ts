import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The folder of the committed certificate fixtures. */
export const certificatesDir = fileURLToPath(new URL('../../../fixtures/certificates/', import.meta.url))

/** A committed certificate fixture, parsed. */
export function loadFixture(name: string): any {
  return JSON.parse(readFileSync(`${certificatesDir}${name}`, 'utf8'))
}

/** The options every fixture is validated with: anvil's chain and a time inside every fixture's window. */
export const fixtureOptions = { chainId: 31337, now: new Date('2026-04-15T00:00:00Z') }
