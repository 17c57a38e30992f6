// The package entry (loader.js) on a machine where no native binary is installed: the error names
// this platform's package and the platforms the release supports. Runs the real generated
// index.js from a copy of the package outside any node_modules tree, without a `.node` file.
import test from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const pkgDir = path.join(path.dirname(new URL(import.meta.url).pathname), '..')

function packageCopy(optionalDependencies) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshauth-loader-'))
  fs.mkdirSync(path.join(dir, 'lib'))
  for (const f of ['index.js', 'loader.js', 'lib/platform.js']) fs.copyFileSync(path.join(pkgDir, f), path.join(dir, f))
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'))
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, optionalDependencies }))
  return dir
}

function loadError(dir) {
  try {
    execFileSync(process.execPath, ['-e', "require('./loader.js')"], { cwd: dir, stdio: 'pipe', encoding: 'utf8' })
  } catch (e) {
    return e.stderr
  }
  assert.fail('the package loaded without a native binary')
}

const here = `${process.platform}-${process.arch}`

test('a supported platform whose package is missing: named, with the supported list', (t) => {
  const dir = packageCopy({ 'meshauth-linux-x64-gnu': '0.1.0', 'meshauth-darwin-arm64': '0.1.0', [`meshauth-${here}-gnu`]: '0.1.0' })
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  const stderr = loadError(dir)
  assert.match(stderr, new RegExp(`meshauth has no native binary for this platform \\(${here}[^)]*\\): the package meshauth-${here}`))
  assert.match(stderr, /is not installed or does not load/)
  assert.match(stderr, /Supported platforms: darwin-arm64, .*linux-x64-gnu/)
  assert.match(stderr, /MESHAUTH_NO_NATIVE_BINDING/)
})

test('a platform the release has no binary for: says so, with the supported list', (t) => {
  const dir = packageCopy({ 'meshauth-freebsd-riscv64': '0.1.0' })
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  const stderr = loadError(dir)
  assert.match(stderr, new RegExp(`meshauth has no native binary for this platform \\(${here}[^)]*\\): the package meshauth-${here}\\S* does not exist`))
  assert.match(stderr, /Supported platforms: freebsd-riscv64\./)
})

test('npx meshauth-issuer (bin/meshauth-issuer.js) runs the issuer with its arguments', () => {
  // MESHAUTH_ISSUER_BIN is set by make test-node.
  const out = execFileSync(process.execPath, [path.join(pkgDir, 'bin', 'meshauth-issuer.js'), '--help'], { encoding: 'utf8' })
  assert.match(out, /^usage: meshauth-issuer/)
})
