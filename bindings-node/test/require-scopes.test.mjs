// Principal.requireScopes: the core's insufficient_scope decision, thrown as a MeshAuthError with
// the code, status and WWW-Authenticate challenge every binding gives.
import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { NOW, claims, options, sign } from './fixtures/keys.mjs'

const require = createRequire(import.meta.url)
const { Validator, isMeshAuthError } = require('meshauth')

const PREFIX = 'Bearer error="insufficient_scope", error_description="'

/** Assert `fn` throws insufficient_scope whose challenge lists `scopes`. */
function assertInsufficient(fn, scopes) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof Error)
    assert.ok(isMeshAuthError(err))
    assert.equal(err.name, 'MeshAuthError')
    assert.equal(err.code, 'insufficient_scope')
    assert.equal(err.number, 16)
    assert.equal(err.status, 403)
    assert.ok(err.wwwAuthenticate.startsWith(PREFIX), err.wwwAuthenticate)
    assert.ok(err.wwwAuthenticate.endsWith(`, scope="${scopes}"`), err.wwwAuthenticate)
    assert.match(err.message, /^missing scope\(s\): /)
    return true
  })
}

async function principal(scope = 'orders:read orders:write') {
  const v = new Validator(options())
  return v.validate(sign('EdDSA', claims({ scope })), { now: NOW })
}

test('requireScopes returns when every scope is carried', async () => {
  const p = await principal()
  assert.equal(p.requireScopes([]), undefined)
  assert.equal(p.requireScopes(['orders:read']), undefined)
  assert.equal(p.requireScopes(['orders:write', 'orders:read']), undefined)
})

test('requireScopes throws insufficient_scope listing every required scope', async () => {
  const p = await principal()
  assertInsufficient(() => p.requireScopes(['orders:admin']), 'orders:admin')
  assertInsufficient(
    () => p.requireScopes(['orders:read', 'orders:admin', 'billing:read']),
    'orders:read orders:admin billing:read',
  )
  const other = await principal('profile')
  assertInsufficient(() => other.requireScopes(['orders:read']), 'orders:read')
})

test('requireScopes takes an array of strings only', async () => {
  const p = await principal()
  for (const bad of ['orders:read', undefined, null, [1], ['a', null], { 0: 'a', length: 1 }]) {
    assert.throws(() => p.requireScopes(bad), (err) => err instanceof TypeError && err.code === 'ERR_INVALID_ARG_TYPE')
  }
})
