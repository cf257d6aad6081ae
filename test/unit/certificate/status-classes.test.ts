import { describe, expect, it } from 'vitest'
import { CLASS_MAX_VALIDITY_DAYS, CLASS_MIN_RESERVE_RATIO, classToNumber, numberToClass } from '../../../src/certificate/classes.ts'
import { certificateStatus } from '../../../src/certificate/status.ts'
import { certificateClassSchema } from '../../../src/schema/certificate.ts'

const cert = { validity: { issued_at: '2026-04-01T00:00:00Z', expires_at: '2026-05-31T00:00:00Z' } }
const at = (iso: string) => new Date(iso)

describe('certificateStatus', () => {
  it('follows the clock: NOT_YET_VALID before issued_at, ACTIVE inside, EXPIRED from expires_at on', () => {
    expect(certificateStatus(cert, at('2026-03-31T23:59:59.999Z'))).toBe('NOT_YET_VALID')
    expect(certificateStatus(cert, at('2026-04-01T00:00:00Z'))).toBe('ACTIVE')
    expect(certificateStatus(cert, at('2026-05-30T23:59:59.999Z'))).toBe('ACTIVE')
    expect(certificateStatus(cert, at('2026-05-31T00:00:00Z'))).toBe('EXPIRED')
  })

  it('the registry wins: revoked, challenged and expired are never undone by the clock', () => {
    const now = at('2026-04-15T00:00:00Z')
    expect(certificateStatus(cert, now, { revoked: true })).toBe('REVOKED')
    expect(certificateStatus(cert, now, { challenged: true })).toBe('CHALLENGED')
    expect(certificateStatus(cert, now, { expired: true })).toBe('EXPIRED')
    expect(certificateStatus(cert, now, { revoked: true, challenged: true })).toBe('REVOKED')
    expect(certificateStatus(cert, at('2026-07-01T00:00:00Z'), { challenged: true })).toBe('CHALLENGED')
  })

  it('a terminal status written in the document stays; ACTIVE written in an expired document does not', () => {
    const now = at('2026-04-15T00:00:00Z')
    expect(certificateStatus({ validity: { ...cert.validity, status: 'REVOKED' } }, now)).toBe('REVOKED')
    expect(certificateStatus({ validity: { ...cert.validity, status: 'EXPIRED' } }, now)).toBe('EXPIRED')
    expect(certificateStatus({ validity: { ...cert.validity, status: 'ACTIVE' } }, at('2026-06-01T00:00:00Z'))).toBe('EXPIRED')
  })
})

describe('classes', () => {
  it('has the class table of seed 003', () => {
    expect(CLASS_MAX_VALIDITY_DAYS).toEqual({ C1: 90, C2: 60, C3: 30 })
    expect(CLASS_MIN_RESERVE_RATIO).toEqual({ C1: 1n, C2: 3n, C3: 5n })
    expect(certificateClassSchema.options).toEqual(['C1', 'C2', 'C3'])
  })

  it('maps to and from the registry enum NONE, C1, C2, C3', () => {
    expect(['NONE', 'C1', 'C2', 'C3'].map((c) => classToNumber(c as any))).toEqual([0, 1, 2, 3])
    expect([0, 1, 2, 3n].map(numberToClass)).toEqual(['NONE', 'C1', 'C2', 'C3'])
    expect(() => numberToClass(4)).toThrow(/unknown certificate class number 4/)
  })
})
