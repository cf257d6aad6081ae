import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { saveEra } from '../../adapters/sql/eras.ts'
import { runCli } from '../support/cli.ts'
import { demoServiceOptions, startDemoChain, type DemoChain } from '../integration/http/demo-chain.ts'
import { startTestService, type TestService } from '../integration/http/service-harness.ts'

const CHROMIUM = '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)
if (!hasChromium) console.warn(`SKIP: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it): the browser test is skipped`)

/**
 * The dashboard in headless Chromium (Debian's, driven by playwright-core): the demo agent is shown ACCEPTed, then,
 * after the user revokes the grant in GAR, REVOKED without a reload (the watcher revokes, the event stream tells the
 * page); every step is done with the keyboard, and the era report with its money flow chart opens in the page.
 */
/** The element that has the focus: its tag, id, text, title and computed outline (how the focus shows). */
function focused(page: Page): Promise<{ tag: string; id: string; text: string; title: string | null; outline: string }> {
  return page.evaluate(`(() => {
    const el = document.activeElement
    return { tag: el.tagName, id: el.id, text: el.textContent ?? '', title: el.getAttribute('title'), outline: getComputedStyle(el).outlineStyle }
  })()`)
}

describe.skipIf(!hasChromium)('the web page in headless Chromium', () => {
  let chain: DemoChain
  let t: TestService
  let context: BrowserContext
  let page: Page
  let profile: string
  let certHash: string

  beforeAll(async () => {
    chain = await startDemoChain()
    certHash = (await chain.certifyAndPublish()).certHash
    t = await startTestService('pglite', demoServiceOptions(chain))
    // a stored era reconciliation, as the era follower would store it (the reconcile command's JSON and HTML report)
    const html = join(chain.dir, 'era.html')
    const s = 'fixtures/settlement/balanced'
    const reconciled = await runCli(['reconcile', '--events', `${s}/events.jsonl`, '--params', `${s}/params.json`, '--usage', `${s}/usage.json`, '--json', '--html', html])
    expect(reconciled.code, reconciled.stderr).toBe(0)
    await saveEra(t.db, { clusterId: '0x0d141c9f0eb6c16c7362ed52ade970085cb6690e', era: 412, verdict: 'balanced', result: reconciled.json(), html: readFileSync(html, 'utf8'), source: `files ${s}`, block: 12n })

    profile = mkdtempSync(join(tmpdir(), 'ccp-chromium-'))
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    })
    page = context.pages()[0] ?? (await context.newPage())
  }, 240_000)

  afterAll(async () => {
    await context?.close()
    await t?.stop()
    await chain?.stop()
    if (profile) rmSync(profile, { recursive: true, force: true })
  })

  it('shows the demo agent ACCEPTed with its ACTIVE certificate, its class, bound, countdown and renewal', async () => {
    await page.goto(t.url)
    const agent = page.locator(`section[data-agent="${chain.agent}"]`)
    await agent.locator('[data-decision="accept"]').waitFor({ timeout: 30_000 })
    expect(await agent.locator('.decision .badge').textContent()).toBe('ACCEPT')
    const row = agent.locator(`tr[data-cert="${certHash}"]`)
    expect(await row.locator('td.status').textContent()).toBe('ACTIVE')
    const cells = await row.locator('td').allTextContents()
    expect(cells[1]).toBe('C2')
    expect(cells[2]).toBe('5000')
    expect(cells[3]).toMatch(/^in 5\d d \d+ h$|^in 60 d 0 h$/)
    expect(cells[4]).toBe('from 2026-08-07 00:00 UTC')
    expect(await page.locator('#service-status').textContent()).toMatch(/watcher at block \d+/)
  })

  it('is usable with the keyboard: skip link first, visible focus, links to the certificate detail', async () => {
    await page.keyboard.press('Tab')
    expect((await focused(page)).text).toBe('Skip to content')
    expect((await focused(page)).outline).not.toBe('none')
    // tab forward to the certificate's link: only links, buttons and fields take the focus on the way
    const seen: string[] = []
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab')
      const now = await focused(page)
      seen.push(now.tag)
      expect(now.outline).not.toBe('none')
      if (now.title === certHash) break
    }
    expect(new Set(seen)).toEqual(new Set(['A']))
    expect((await focused(page)).title).toBe(certHash)
    await page.keyboard.press('Enter')
    await page.locator('h1#view-title', { hasText: /^Certificate 0x/ }).waitFor()
    expect((await focused(page)).id).toBe('view-title')
    const detail = await page.locator('#view').textContent()
    for (const text of ['PERMISSION_BOUNDARY', 'SPENDING_LIMIT', 'KILL_SWITCH', 'ACTIVITY_TRAIL_VERIFICATION', 'published']) expect(detail).toContain(text)
    await page.goBack()
    await page.locator(`section[data-agent="${chain.agent}"] [data-decision="accept"]`).waitFor()
  })

  it('turns the agent REVOKED live when the user revokes the grant (no reload)', async () => {
    if (!page.url().endsWith('/')) await page.goto(t.url)
    await page.locator(`section[data-agent="${chain.agent}"] [data-decision="accept"]`).waitFor()
    const navigations: string[] = []
    page.on('framenavigated', (frame) => navigations.push(frame.url()))
    chain.revokeGrant()
    const agent = page.locator(`section[data-agent="${chain.agent}"]`)
    await agent.locator(`tr[data-cert="${certHash}"] td.status`, { hasText: 'REVOKED' }).waitFor({ timeout: 40_000 })
    await agent.locator('[data-decision="reject"]').waitFor()
    expect(await agent.locator('.decision').textContent()).toContain('REVOKED on the registry')
    // announced in the live region, which assistive technology reads out
    expect(await page.locator('#live-log[aria-live="polite"]').textContent()).toContain('REVOKED')
    expect(navigations).toEqual([])
  })

  it('opens an era reconciliation with its money flow chart', async () => {
    await page.goto(`${t.url}/#/eras`)
    const link = page.getByRole('link', { name: 'Era 412' })
    await link.focus()
    await page.keyboard.press('Enter')
    await page.locator('h1#view-title', { hasText: /^Era 412 of cluster/ }).waitFor()
    expect(await page.locator('.facts').textContent()).toContain('BALANCED')
    const frame = page.frameLocator('iframe.report')
    await frame.locator('svg[role="img"]').waitFor()
    expect(await frame.locator('h2', { hasText: 'Money flow' }).count()).toBe(1)
  })
})
