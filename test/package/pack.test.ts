import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, posix, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { certificateHash, certificateUri } from '../../src/certificate/hash.ts'
import { projectDir } from '../support/cli.ts'

/**
 * The package as a consumer gets it: `npm pack` after a fresh `tsc` build (what `prepare` runs) in a copy of the project,
 * the tarball installed into a new project with `npm install <tarball>`, then imported from plain Node and type-checked
 * with `tsc`. The consumer code is the code blocks of README.md's "Use as a library" section, so the documentation cannot
 * drift from what works.
 * The copy keeps the shared checkout's dist/ untouched (and keeps stale files of earlier builds out of the tarball);
 * its node_modules is a link to the checkout's. Dependencies install from npm's cache (`--prefer-offline`).
 */

const SOURCES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'bin', 'src', 'adapters', 'fixtures/scripts']
const manifest = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')) as {
  name: string
  version: string
  main: string
  types: string
  bin: Record<string, string>
  exports: Record<string, string | { types: string; default: string }>
  scripts: Record<string, string>
  peerDependencies: Record<string, string>
}

let root: string
let packed: { filename: string; files: string[]; seconds: number }
let consumer: string
let installed: string
let installSeconds: number
const docs = libraryDocBlocks(readFileSync(join(projectDir, 'README.md'), 'utf8'))

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ccp-pack-'))
  const project = join(root, 'project')
  for (const entry of SOURCES) cpSync(join(projectDir, entry), join(project, entry), { recursive: true })
  symlinkSync(join(projectDir, 'node_modules'), join(project, 'node_modules'), 'dir')

  const out = join(root, 'out')
  mkdirSync(out)
  let started = performance.now()
  // `prepare` is `npm run build` (tsc). It runs here as it does for `npm pack`, but, as for every test run
  // (test/support/build-dist.ts), type errors are reported without stopping the test: `npm run typecheck` is the strict check
  const build = spawnSync(process.execPath, [join(projectDir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: project, encoding: 'utf8' })
  if (build.status !== 0) process.stderr.write(`pack.test: tsc reported errors (the tarball holds what it emitted):\n${build.stdout}${build.stderr}`)
  const pack = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', out], project)
  const [result] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>
  packed = { filename: join(out, result!.filename), files: result!.files.map((f) => f.path).sort(), seconds: (performance.now() - started) / 1000 }

  consumer = join(root, 'consumer')
  mkdirSync(consumer)
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'ccp-bridge-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2))
  started = performance.now()
  npm(['install', packed.filename, '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline'], consumer)
  installSeconds = (performance.now() - started) / 1000
  installed = join(consumer, 'node_modules', manifest.name)
  // the fixture files the documented example reads, at the same paths as in the repository
  for (const [, file] of (docs['consumer.mjs'] ?? '').matchAll(/'(fixtures\/[^']+)'/g)) cpSync(join(projectDir, file!), join(consumer, file!))
  console.log(`pack.test: fresh build and npm pack ${packed.seconds.toFixed(1)} s, npm install of the tarball ${installSeconds.toFixed(1)} s`)
}, 1_200_000)

// the consumer's node_modules holds every dependency (≈600 MB): removing it takes a while
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true })
}, 600_000)

describe('npm pack: what the tarball holds', () => {
  it('holds the compiled library, its types and maps, the bin, and what the commands read at run time', () => {
    const files = new Set(packed.files)
    const targets = [manifest.main, manifest.types, ...Object.values(manifest.bin), ...Object.values(manifest.exports).flatMap((t) => (typeof t === 'string' ? [t] : [t.types, t.default]))]
    for (const target of targets) expect(files, target).toContain(posix.normalize(target))
    for (const file of ['package.json', 'README.md', 'dist/src/index.js.map', 'dist/src/index.d.ts.map', 'src/index.ts', 'dist/adapters/workers/verify-worker.js', 'dist/fixtures/scripts/scenario.js']) {
      expect(files, file).toContain(file)
    }
    // the web page `serve` reads from adapters/http/web at run time, when the project has one
    const web = join(projectDir, 'adapters/http/web')
    if (existsSync(web)) for (const name of readdirSync(web)) expect(files).toContain(`adapters/http/web/${name}`)
  })

  it('holds no test, fixture data, benchmark, contract source or build state (also in `npm pack --dry-run` of the checkout)', () => {
    const dryRun = npm(['pack', '--dry-run', '--json', '--ignore-scripts'], projectDir)
    const [listed] = JSON.parse(dryRun.stdout.slice(dryRun.stdout.indexOf('['))) as Array<{ files: Array<{ path: string }> }>
    for (const files of [packed.files, listed!.files.map((f) => f.path)]) {
      const unwanted = files.filter(
        (file) =>
          /^(test|bench|docs|node_modules|\.ccp-bridge)\//.test(file) ||
          (/^(dist\/)?fixtures\//.test(file) && !/^(dist\/)?fixtures\/scripts\/scenario\.(ts|js|d\.ts)(\.map)?$/.test(file)) ||
          /\.test\.|\.tsbuildinfo$|\.build-lock|\.sol$|\.key$|(^|\/)\.env/.test(file) ||
          /(build|compile)-contracts\.|solc-forge/.test(file),
      )
      expect(unwanted).toEqual([])
    }
  })

  it('every relative import of the compiled JavaScript resolves inside the package, and every source map resolves', () => {
    const files = walk(installed)
    const missing: string[] = []
    for (const file of files.filter((f) => f.endsWith('.js') || f.endsWith('.mjs'))) {
      // statements only (doc comments hold `@example import … from './x.ts'` lines): static imports and re-exports, whose
      // `from` may end a multi-line list, and dynamic imports outside comment lines
      const code = readFileSync(file, 'utf8').split('\n').filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line)).join('\n')
      const specifiers = [
        ...code.matchAll(/^\s*(?:import|export|\})[^\n]*?\bfrom\s*["'](\.\.?\/[^"']+)["']/gm),
        ...code.matchAll(/^\s*import\s*["'](\.\.?\/[^"']+)["']/gm),
        ...code.matchAll(/\bimport\(\s*["'](\.\.?\/[^"']+)["']\s*\)/g),
      ].map((match) => match[1]!)
      for (const specifier of specifiers) if (!existsSync(join(dirname(file), specifier))) missing.push(`${relative(installed, file)} imports ${specifier}`)
    }
    for (const map of files.filter((f) => f.endsWith('.map'))) {
      const { sources, file } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[]; file: string }
      if (!existsSync(join(dirname(map), file))) missing.push(`${relative(installed, map)} maps a missing ${file}`)
      for (const source of sources) if (!existsSync(join(dirname(map), source))) missing.push(`${relative(installed, map)} names a missing source ${source}`)
    }
    expect(missing).toEqual([])
    expect(files.filter((f) => f.endsWith('.map')).length).toBeGreaterThan(100)
  })

  it('runs nothing on install: no install scripts, and `prepare` only builds in a clone', () => {
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { scripts: Record<string, string>; engines: { node: string } }
    expect(Object.keys(pkg.scripts).filter((name) => /^(pre|post)?install$/.test(name))).toEqual([])
    expect(pkg.scripts.prepare).toBe('npm run build')
    expect(pkg.engines.node).toBe('>=20')
  })
})

describe("the installed tarball, used as the README's 'Use as a library' section shows", () => {
  it("the README's 'Use as a library' section has the consumer code and its output", () => {
    expect(Object.keys(docs).sort()).toEqual(['consumer.mjs', 'consumer.mjs output', 'consumer.ts'])
  })

  it('plain Node runs consumer.mjs and prints exactly the documented output', () => {
    writeFileSync(join(consumer, 'consumer.mjs'), docs['consumer.mjs']!)
    const run = spawnSync(process.execPath, ['consumer.mjs'], { cwd: consumer, encoding: 'utf8', timeout: 120_000 })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toBe(`${docs['consumer.mjs output']}\n`)
  }, 180_000)

  it('tsc (strict, NodeNext, skipLibCheck false) type-checks consumer.ts against the installed types', () => {
    writeFileSync(join(consumer, 'consumer.ts'), docs['consumer.ts']!)
    const tsconfig = {
      compilerOptions: {
        strict: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        lib: ['ES2022', 'DOM'],
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
        typeRoots: [join(projectDir, 'node_modules/@types')],
      },
      files: ['consumer.ts'],
    }
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2))
    const tsc = spawnSync(process.execPath, [join(projectDir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: consumer, encoding: 'utf8', timeout: 600_000 })
    expect(`${tsc.stdout}${tsc.stderr}`).toBe('')
    expect(tsc.status).toBe(0)
  }, 660_000)

  it('a type error in a consumer is reported: the types are the real ones, not `any`', () => {
    const wrong = [
      "import { validateCertificate } from 'cere-ccp-bridge'",
      "import { ccpRegistryAbi } from 'cere-ccp-bridge/contracts'",
      "import { localContentStore } from 'cere-ccp-bridge/node'",
      'export const valid: number = validateCertificate({}).valid',
      "export const name: number = localContentStore('x').description",
      "export const fn: Extract<(typeof ccpRegistryAbi)[number], { type: 'function' }>['name'] = 'notAFunction'",
      '',
    ].join('\n')
    writeFileSync(join(consumer, 'wrong.ts'), wrong)
    const tsconfig = JSON.parse(readFileSync(join(consumer, 'tsconfig.json'), 'utf8'))
    writeFileSync(join(consumer, 'tsconfig.wrong.json'), JSON.stringify({ ...tsconfig, compilerOptions: { ...tsconfig.compilerOptions, skipLibCheck: true }, files: ['wrong.ts'] }))
    const tsc = spawnSync(process.execPath, [join(projectDir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.wrong.json'], { cwd: consumer, encoding: 'utf8', timeout: 600_000 })
    const errors = tsc.stdout.split('\n').filter((line) => line.includes('error TS'))
    expect(errors.map((line) => /^wrong\.ts\((\d+),/.exec(line)?.[1])).toEqual(['4', '5', '6'])
  }, 660_000)

  it('the DDC SDK is an optional peer: not installed for a consumer, and the DDC store says how to install it', async () => {
    expect(existsSync(join(consumer, 'node_modules/@cere-ddc-sdk'))).toBe(false)
    const script = [
      "import { ddcContentStore } from 'cere-ccp-bridge/node'",
      "const error = await ddcContentStore({ bucketId: '7', signer: '//Alice', network: 'devnet' }).catch((e) => e)",
      'console.log(JSON.stringify(error.toJSON()))',
    ].join('\n')
    writeFileSync(join(consumer, 'ddc.mjs'), script)
    const run = spawnSync(process.execPath, ['ddc.mjs'], { cwd: consumer, encoding: 'utf8', timeout: 60_000 })
    expect(run.stderr).toBe('')
    expect(JSON.parse(run.stdout)).toMatchObject({
      code: 'DDC_SDK_MISSING',
      message: 'the DDC store needs the Cere DDC SDK, which is not installed',
      details: `install it beside cere-ccp-bridge: npm install @cere-ddc-sdk/ddc-client@${manifest.peerDependencies['@cere-ddc-sdk/ddc-client']}`,
    })
  }, 120_000)

  it('the installed bin runs the compiled command line: --version, and cert hash', () => {
    const bin = join(consumer, 'node_modules/.bin/ccp-bridge')
    const version = spawnSync(bin, ['--version'], { cwd: consumer, encoding: 'utf8' })
    expect(version.stdout).toBe(`${manifest.version}\n`)
    const hash = spawnSync(bin, ['cert', 'hash', 'fixtures/certificates/valid-c2.json', '--json'], { cwd: consumer, encoding: 'utf8', timeout: 60_000 })
    expect(hash.stderr).toBe('')
    const bytes = readFileSync(join(projectDir, 'fixtures/certificates/valid-c2.json'))
    expect(JSON.parse(hash.stdout)).toEqual({ certHash: certificateHash(JSON.parse(bytes.toString('utf8'))), uri: certificateUri(bytes) })
  }, 120_000)
})

/** Runs npm in a folder; a failure is thrown with its output. */
function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  const run = spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 900_000, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_loglevel: 'error' } })
  if (run.status !== 0) throw new Error(`npm ${args.join(' ')} exited ${run.status}:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`)
  return run
}

/** The code blocks of the README's "## Use as a library" section marked `<!-- test: NAME -->`, by name. */
function libraryDocBlocks(readme: string): Record<string, string> {
  const start = readme.indexOf('\n## Use as a library\n')
  if (start < 0) throw new Error('README.md has no "## Use as a library" section')
  const next = readme.indexOf('\n## ', start + 1)
  const markdown = readme.slice(start, next < 0 ? undefined : next)
  const blocks: Record<string, string> = {}
  for (const match of markdown.matchAll(/<!-- test: ([^>]+?) -->\n```[a-z]*\n([\s\S]*?)\n```/g)) blocks[match[1]!] = match[2]!
  return blocks
}

/** Every file under a folder (following no links). */
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? (name === 'node_modules' ? [] : walk(path)) : [path]
  })
}
