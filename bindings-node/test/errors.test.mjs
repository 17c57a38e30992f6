// The error catalogue as Node sees it: every code maps to an Error with the catalogue's status and
// WWW-Authenticate, and index.d.ts's `MeshAuthErrorCode` union lists exactly the core's codes.
import test from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { errorCodes, createError, isMeshAuthError } = require('meshauth')

// The error catalogue, in order: [code, HTTP status, RFC 6750 error attribute | 'plain' | null].
const CATALOGUE = [
  ['no_credentials', 401, 'plain'],
  ['invalid_request', 400, 'invalid_request'],
  ['token_too_large', 401, 'invalid_token'],
  ['malformed_token', 401, 'invalid_token'],
  ['unsupported_token', 401, 'invalid_token'],
  ['algorithm_not_allowed', 401, 'invalid_token'],
  ['key_not_found', 401, 'invalid_token'],
  ['invalid_signature', 401, 'invalid_token'],
  ['invalid_claim', 401, 'invalid_token'],
  ['missing_claim', 401, 'invalid_token'],
  ['token_expired', 401, 'invalid_token'],
  ['token_not_yet_valid', 401, 'invalid_token'],
  ['invalid_issuer', 401, 'invalid_token'],
  ['invalid_audience', 401, 'invalid_token'],
  ['invalid_token_type', 401, 'invalid_token'],
  ['insufficient_scope', 403, 'insufficient_scope'],
  ['caller_not_allowed', 403, null],
  ['key_source_unavailable', 503, null],
  ['token_endpoint_error', null, null],
  ['invalid_config', null, null],
]

test('errorCodes() lists the catalogue in order', () => {
  assert.deepEqual(errorCodes(), CATALOGUE.map(([code]) => code))
})

test('every code maps to a MeshAuthError with status and WWW-Authenticate', () => {
  for (const [i, code] of errorCodes().entries()) {
    const [, status, challenge] = CATALOGUE.find(([c]) => c === code)
    const e = createError(code)
    assert.ok(e instanceof Error, code)
    assert.ok(isMeshAuthError(e), code)
    assert.equal(e.name, 'MeshAuthError')
    assert.equal(e.code, code)
    assert.equal(e.number, i + 1, code)
    assert.equal(e.status, status, code)
    assert.equal(e.oauthError, null)
    assert.ok(e.message.length > 0)
    if (challenge === 'plain') assert.equal(e.wwwAuthenticate, 'Bearer', code)
    else if (challenge == null) assert.equal(e.wwwAuthenticate, null, code)
    else assert.match(e.wwwAuthenticate, new RegExp(`^Bearer error="${challenge}", error_description="[^"]+"$`), code)
  }
  assert.equal(createError('token_expired', 'custom').message, 'custom')
  assert.throws(() => createError('no_such_code'))
  assert.equal(isMeshAuthError(new Error('x')), false)
  assert.equal(isMeshAuthError(Object.assign(new Error('x'), { name: 'MeshAuthError', code: 'nope' })), false)
  assert.equal(isMeshAuthError({ name: 'MeshAuthError', code: 'token_expired' }), false)
  assert.equal(isMeshAuthError(null), false)
})

test('index.d.ts: MeshAuthErrorCode is exactly errorCodes()', () => {
  const dts = fs.readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8')
  const m = /export type MeshAuthErrorCode =([^]*?)\n\n/.exec(dts)
  assert.ok(m, 'index.d.ts exports MeshAuthErrorCode')
  const union = [...m[1].matchAll(/'([a-z_]+)'/g)].map((x) => x[1])
  assert.deepEqual(union, errorCodes())
  assert.match(dts, /export declare function errorCodes\(\): MeshAuthErrorCode\[\]/)
  assert.match(dts, /export interface MeshAuthError extends Error/)
})
