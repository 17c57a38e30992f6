// The conformance corpus (testdata/corpus.json): every case through the public JS API —
// `new Validator(config)`, then `validate(token, {now})` or `authenticate(request, {now})`.
import test from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { parseExact } from './fixtures/exact-json.mjs'

const require = createRequire(import.meta.url)
const { Validator, Principal, isMeshAuthError } = require('meshauth')

const corpusPath = new URL('../../testdata/corpus.json', import.meta.url)
const corpus = parseExact(fs.readFileSync(corpusPath, 'utf8'))

// Corpus (snake_case, as in every language's JSON) → the Node Principal's property names.
const FIELDS = {
  subject: 'subject',
  issuer: 'issuer',
  audiences: 'audiences',
  expires_at: 'expiresAt',
  issued_at: 'issuedAt',
  not_before: 'notBefore',
  jwt_id: 'jwtId',
  client_id: 'clientId',
  scopes: 'scopes',
  roles: 'roles',
  is_client: 'isClient',
}

/** Corpus numbers parsed exactly may be BigInt; typed Principal fields are Numbers. */
const num = (v) => (typeof v === 'bigint' ? Number(v) : v)

test('corpus format', () => {
  assert.equal(corpus.format, 1)
  assert.ok(corpus.cases.length > 0)
  assert.equal(new Set(corpus.cases.map((c) => c.name)).size, corpus.cases.length, 'case names are unique')
})

for (const c of corpus.cases) {
  test(`corpus: ${c.name}`, async () => {
    const now = num(c.now)
    const expect = c.expect
    let outcome
    try {
      const v = new Validator(c.config)
      outcome = { principal: await ('token' in c ? v.validate(c.token, { now }) : v.authenticate(c.request, { now })) }
      // The synchronous forms answer the same.
      const again = 'token' in c ? v.validateSync(c.token, { now }) : v.authenticateSync(c.request, { now })
      assert.deepEqual(again.claims, outcome.principal.claims)
    } catch (e) {
      if (!isMeshAuthError(e)) throw e
      outcome = { error: e }
    }
    if (expect.ok) {
      assert.ok(outcome.principal, `expected success, got ${outcome.error?.code}: ${outcome.error?.message}`)
      const p = outcome.principal
      assert.ok(p instanceof Principal)
      for (const [field, want] of Object.entries(expect.principal)) {
        const prop = FIELDS[field]
        assert.ok(prop, `unknown principal field ${field} in the corpus`)
        assert.deepEqual(p[prop], num(want), field)
      }
      assert.deepEqual(p.claims, expect.claims)
      assert.deepEqual(parseExact(p.claimsJson), expect.claims)
      const token = 'token' in c ? c.token : null
      if (token != null) assert.equal(p.token, token)
    } else {
      assert.ok(outcome.error, `expected ${expect.code}, got success`)
      const e = outcome.error
      assert.equal(e.code, expect.code, e.message)
      assert.equal(e.status, num(expect.status))
      assert.equal(e.wwwAuthenticate, expect.www_authenticate)
    }
  })
}
