// The package's `meshauth` bin (bin/meshauth.js): it finds the command and hands it the arguments,
// stdin and the exit status unchanged.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../bin/meshauth.js', import.meta.url))
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
const run = (args, input = '', env = {}) => {
  const { NO_COLOR, ...rest } = process.env
  return spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', env: { ...rest, ...env } })
}
const b64url = (v) => Buffer.from(JSON.stringify(v)).toString('base64url')

test('package.json names the bin', () => {
  assert.equal(pkg.bin.meshauth, 'bin/meshauth.js')
})

test('--version is the package version', () => {
  const r = run(['--version'])
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout.trim(), `meshauth ${pkg.version}`)
})

test('inspect reads the token from stdin; exit codes pass through', () => {
  const token = `${b64url({ alg: 'RS256', typ: 'at+jwt' })}.${b64url({ iss: 'https://i', sub: 'alice', aud: 'orders' })}.c2ln`
  const r = run(['--json', 'inspect'], token)
  assert.equal(r.status, 0, r.stderr)
  const doc = JSON.parse(r.stdout)
  assert.equal(doc.verified, false)
  assert.equal(doc.claims.sub, 'alice')
  assert.deepEqual(doc.objections.filter((o) => o.refused).map((o) => o.code), ['missing_claim'])
  const bad = run(['inspect', 'not-a-token'])
  assert.equal(bad.status, 4)
  assert.match(bad.stderr, /three dot-separated segments/)
})

test('a missing binary is named', () => {
  const r = run(['--version'], '', { MESHAUTH_CLI_BIN: '/nonexistent/meshauth' })
  assert.equal(r.status, 1)
  assert.match(r.stderr, /MESHAUTH_CLI_BIN=\/nonexistent\/meshauth does not exist/)
})
