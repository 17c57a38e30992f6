// Remote key sources against the development issuer (jwks_url / discovery), rotation, client
// credentials tokens, an unreachable key source, and a JWKS served by this very process (which only
// answers if the key fetch runs off the event loop).
import test, { after, before } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { createRequire } from 'node:module'
import { claims, jwksFor, sign } from './fixtures/keys.mjs'

const require = createRequire(import.meta.url)
const { Validator } = require('meshauth')
const { startDevIssuer } = require('meshauth/testing')
const { meshauth } = require('meshauth/express')
const express = require('express')

let issuer
before(async () => {
  issuer = await startDevIssuer()
})
after(async () => {
  await issuer?.stop()
})

test('the helper reports the issuer and its documents', async () => {
  assert.match(issuer.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  const md = await issuer.metadata()
  assert.equal(md.issuer, issuer.issuer)
  assert.ok((await issuer.jwks()).keys.length >= 3)
})

test('jwks_url / jwksUrl: cold fetch off the event loop, then the warm path', async () => {
  for (const source of [{ jwks_url: issuer.jwksUrl }, { jwksUrl: issuer.jwksUrl }]) {
    const v = new Validator({ issuer: issuer.issuer, audience: 'orders', ...source })
    for (const alg of ['RS256', 'ES256', 'EdDSA']) {
      const token = await issuer.mint({ sub: 'alice', aud: 'orders', scope: 'orders:read' }, { alg })
      const p = await v.validate(token)
      assert.equal(p.subject, 'alice')
      assert.equal(p.issuer, issuer.issuer)
      assert.deepEqual(p.scopes, ['orders:read'])
    }
    // Keys are warm now: the Promise settles within microtasks.
    const token = await issuer.mint({ sub: 'bob', aud: 'orders' })
    let subject = null
    v.validate(token).then((p) => (subject = p.subject))
    await Promise.resolve()
    await Promise.resolve()
    assert.equal(subject, 'bob')
  }
})

test('discovery: true finds the JWKS through the issuer metadata', async () => {
  const v = new Validator({ issuer: issuer.issuer, audience: 'orders', discovery: true })
  const p = await v.validate(await issuer.mint({ sub: 'carol', aud: ['orders', 'x'] }, { alg: 'ES256' }))
  assert.equal(p.subject, 'carol')
  assert.deepEqual(p.audiences, ['orders', 'x'])
  await assert.rejects(v.validate(await issuer.mint({ sub: 'carol', aud: 'orders' }, { tamper: 'signature' })), {
    code: 'invalid_signature',
    status: 401,
  })
  await assert.rejects(v.validate(await issuer.mint({ sub: 'carol', aud: 'billing' })), { code: 'invalid_audience' })
})

test('refresh() warms the keys; rotation is picked up on an unknown kid', async () => {
  const v = new Validator({ issuer: issuer.issuer, audience: 'orders', discovery: true, jwksRefreshCooldownS: 0 })
  assert.equal(await v.refresh(), undefined)
  const before = await issuer.mint({ sub: 'dave', aud: 'orders' })
  assert.equal(v.validateSync(before).subject, 'dave')
  await issuer.rotate()
  const rotated = await issuer.mint({ sub: 'erin', aud: 'orders' })
  assert.equal((await v.validate(rotated)).subject, 'erin')
  await issuer.rotate({ retire: true })
  assert.equal((await v.validate(await issuer.mint({ sub: 'fay', aud: 'orders' }))).subject, 'fay')
})

test('a client-credentials token is a client Principal', async () => {
  const res = await issuer.clientCredentials('orders', 'orders-dev-secret', { audience: 'inventory', scope: 'inventory:read' })
  assert.equal(res.token_type, 'Bearer')
  const v = new Validator({ issuer: issuer.issuer, audience: 'inventory', jwksUrl: issuer.jwksUrl, tokenType: 'at+jwt', allowedClients: ['orders'] })
  const p = await v.authenticate({ headers: ['Authorization', `Bearer ${res.access_token}`] })
  assert.equal(p.isClient, true)
  assert.equal(p.clientId, 'orders')
  assert.deepEqual(p.scopes, ['inventory:read'])
  const other = new Validator({ issuer: issuer.issuer, audience: 'inventory', jwksUrl: issuer.jwksUrl, allowedClients: ['billing'] })
  await assert.rejects(other.validate(res.access_token), { code: 'caller_not_allowed', status: 403, wwwAuthenticate: null })
})

test('an unreachable key source rejects with key_source_unavailable (503)', async () => {
  const closed = http.createServer()
  await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const port = closed.address().port
  await new Promise((resolve) => closed.close(resolve))
  const v = new Validator({ issuer: 'https://issuer.test', audience: 'orders', jwksUrl: `http://127.0.0.1:${port}/jwks`, httpTimeoutMs: 2000 })
  await assert.rejects(v.validate(sign('RS256', claims())), { code: 'key_source_unavailable', status: 503, wwwAuthenticate: null })
  assert.throws(() => v.validateSync(sign('RS256', claims())), { code: 'key_source_unavailable' })
})

test('the cold key fetch never blocks the event loop (JWKS served by this process)', async () => {
  let fetches = 0
  const server = http.createServer((req, res) => {
    fetches++
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(jwksFor()))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const v = new Validator({ issuer: 'https://issuer.test', audience: 'orders', jwksUrl: `http://127.0.0.1:${server.address().port}/jwks` })
    const now = Math.floor(Date.now() / 1000)
    const token = sign('EdDSA', claims({ iat: now, nbf: now, exp: now + 600 }))
    const results = await Promise.all([v.validate(token), v.validate(token), v.validate(token)])
    assert.deepEqual(results.map((p) => p.subject), ['alice', 'alice', 'alice'])
    assert.equal(fetches, 1, 'concurrent cold callers share one fetch')
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
})

test('express middleware with discovery against the issuer', async (t) => {
  const app = express()
  app.use(meshauth({ issuer: issuer.issuer, audience: 'orders', discovery: true }))
  app.get('/me', (req, res) => res.json({ sub: req.auth.subject }))
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  t.after(() => new Promise((resolve) => server.close(resolve)))
  const base = `http://127.0.0.1:${server.address().port}`
  const token = await issuer.mint({ sub: 'gina', aud: 'orders' })
  const ok = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${token}` } })
  assert.equal(ok.status, 200)
  assert.deepEqual(await ok.json(), { sub: 'gina' })
  const bad = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${await issuer.mint({ sub: 'gina', aud: 'orders' }, { tamper: 'signature' })}` } })
  assert.equal(bad.status, 401)
  assert.match(bad.headers.get('www-authenticate'), /error="invalid_token"/)
  assert.equal((await bad.json()).error, 'invalid_signature')
})
