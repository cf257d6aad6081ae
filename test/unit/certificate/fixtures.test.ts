import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { keccak256, recoverTypedDataAddress, stringToBytes } from 'viem'
import { afterAll, describe, expect, it } from 'vitest'
import { certificateHash } from '../../../src/certificate/hash.ts'
import { certificateAttestMessage } from '../../../src/certificate/onchain.ts'
import { ccpDomain, ccpTypes } from '../../../src/crypto/eip712.ts'
import { projectDir } from '../../support/cli.ts'
import { certificatesDir, loadFixture } from './support.ts'

describe('fixtures/scripts/certificates.ts', () => {
  const out = mkdtempSync(join(tmpdir(), 'ccp-cert-fixtures-'))
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it('regenerates every committed certificate fixture byte for byte (fixed seeds, RFC 6979 signatures)', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'fixtures/scripts/certificates.ts'], { cwd: projectDir, env: { ...process.env, CCP_FIXTURES_OUT: out }, encoding: 'utf8' })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const list = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length)).sort()
    const committed = list(certificatesDir.replace(/\/$/, ''))
    expect(list(out)).toEqual(committed)
    expect(committed.length).toBe(24)
    for (const file of committed) expect(readFileSync(join(out, file), 'utf8'), file).toBe(readFileSync(join(certificatesDir, file), 'utf8'))
  })
})

describe('fixture attestations', () => {
  it('are real EIP-712 Attest signatures by their auditor over the certificate terms (chain 31337, registry 0x5FbDB…0aa3, scope = keccak256 of its name)', async () => {
    for (const name of ['valid-c2.json', 'valid-c3.json']) {
      const cert = loadFixture(name)
      for (const attestation of cert.attestations) {
        const signer = await recoverTypedDataAddress({
          domain: ccpDomain(31337, '0x5FbDB2315678afecb367f032d93F642f64180aa3'),
          types: ccpTypes,
          primaryType: 'Attest',
          message: certificateAttestMessage(cert, certificateHash(cert), cert.attestations.indexOf(attestation)),
          signature: attestation.signature,
        })
        expect(signer).toBe(attestation.auditor_id)
      }
    }
  })
})
