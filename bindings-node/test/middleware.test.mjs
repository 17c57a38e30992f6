// The Express middleware and the Fastify plugin/hook through real HTTP requests on 127.0.0.1.
import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { AUDIENCE, ISSUER, NOW, claims, options, sign } from './fixtures/keys.mjs'

const require = createRequire(import.meta.url)
const { Validator } = require('meshauth')
const { meshauth } = require('meshauth/express')
const { meshauthPlugin, meshauthHook } = require('meshauth/fastify')
const express = require('express')
const Fastify = require('fastify')

// Tokens valid for the next hour against the real clock (the middleware uses the current time).
const now = Math.floor(Date.now() / 1000)
const live = (extra = {}) => claims({ iat: now, nbf: now - 10, exp: now + 3600, ...extra })
const good = sign('ES256', live())
const expired = sign('ES256', live({ exp: now - 3600 }))
const noScope = sign('ES256', live({ scope: 'orders:read' }))
void NOW

/** Send requests to `base` and return [status, headers, body]. */
async function get(base, headers = {}) {
  const res = await fetch(`${base}/orders`, { headers })
  const text = await res.text()
  return [res.status, res.headers, text ? JSON.parse(text) : null]
}

/** Requests with two Authorization headers (fetch merges duplicates, so use node:http). */
async function getTwoAuthorizations(base) {
  const http = await import('node:http')
  const url = new URL(`${base}/orders`)
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, headers: { Authorization: [`Bearer ${good}`, `Bearer ${good}`] } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve([res.statusCode, res.headers, JSON.parse(body)]))
    })
    req.on('error', reject)
    req.end()
  })
}

async function checkServer(base) {
  let [status, headers, body] = await get(base, { authorization: `Bearer ${good}` })
  assert.equal(status, 200)
  assert.deepEqual(body, { subject: 'alice', scopes: ['orders:read', 'orders:write'], isClient: false })

  ;[status, headers, body] = await get(base)
  assert.equal(status, 401)
  assert.equal(headers.get('www-authenticate'), 'Bearer')
  assert.equal(body.error, 'no_credentials')
  assert.equal(typeof body.error_description, 'string')

  ;[status, headers, body] = await get(base, { authorization: `Bearer ${expired}` })
  assert.equal(status, 401)
  assert.equal(headers.get('www-authenticate'), 'Bearer error="invalid_token", error_description="the access token expired"')
  assert.equal(headers.get('content-type').startsWith('application/json'), true)
  assert.equal(headers.get('cache-control'), 'no-store')
  assert.equal(body.error, 'token_expired')

  ;[status, headers, body] = await get(base, { authorization: 'Bearer' })
  assert.equal(status, 400)
  assert.match(headers.get('www-authenticate'), /error="invalid_request"/)
  assert.equal(body.error, 'invalid_request')

  ;[status, headers, body] = await get(base, { authorization: `Bearer ${noScope}` })
  assert.equal(status, 403)
  assert.match(headers.get('www-authenticate'), /^Bearer error="insufficient_scope"/)
  assert.equal(body.error, 'insufficient_scope')

  // Duplicate Authorization headers are visible through rawHeaders (Node keeps only one in req.headers).
  ;[status, , body] = await getTwoAuthorizations(base)
  assert.equal(status, 400)
  assert.equal(body.error, 'invalid_request')
}

const config = options({ required_scopes: ['orders:write'] })
const answer = (p) => ({ subject: p.subject, scopes: p.scopes, isClient: p.isClient })

test('express middleware', async (t) => {
  const app = express()
  app.use(meshauth(config))
  app.get('/orders', (req, res) => res.json(answer(req.auth)))
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  t.after(() => new Promise((resolve) => server.close(resolve)))
  await checkServer(`http://127.0.0.1:${server.address().port}`)
})

test('express middleware: custom property and a shared Validator', async (t) => {
  const app = express()
  app.use(meshauth(new Validator(config), { property: 'caller' }))
  app.get('/orders', (req, res) => res.json(answer(req.caller)))
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  t.after(() => new Promise((resolve) => server.close(resolve)))
  const [status, , body] = await get(`http://127.0.0.1:${server.address().port}`, { authorization: `Bearer ${good}` })
  assert.equal(status, 200)
  assert.equal(body.subject, 'alice')
})

test('express middleware: token from a cookie; a cookie sent twice is refused', async (t) => {
  const app = express()
  app.use(meshauth(options({ cookieName: 'at' })))
  app.get('/orders', (req, res) => res.json(answer(req.auth)))
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  t.after(() => new Promise((resolve) => server.close(resolve)))
  const base = `http://127.0.0.1:${server.address().port}`
  let [status, , body] = await get(base, { cookie: `theme=dark; at=${good}` })
  assert.equal(status, 200)
  assert.equal(body.subject, 'alice')
  ;[status, , body] = await get(base, { cookie: `at=${good}; at=${good}` })
  assert.equal(status, 400)
  assert.equal(body.error, 'invalid_request')
  ;[status, , body] = await get(base, { cookie: `at=${good}`, authorization: `Bearer ${good}` })
  assert.equal(status, 400)
})

test('express middleware: invalid configuration throws at setup', () => {
  assert.throws(() => meshauth({ issuer: 'x' }), { code: 'invalid_config' })
})

test('fastify plugin', async (t) => {
  const app = Fastify()
  await app.register(meshauthPlugin, { config })
  app.get('/orders', async (request) => answer(request.auth))
  t.after(() => app.close())
  await checkServer(await app.listen({ port: 0, host: '127.0.0.1' }))
})

test('fastify hook on one route', async (t) => {
  const app = Fastify()
  app.get('/orders', { onRequest: meshauthHook(new Validator(config)) }, async (request) => answer(request.auth))
  app.get('/health', async () => ({ ok: true }))
  t.after(() => app.close())
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  await checkServer(base)
  const res = await fetch(`${base}/health`)
  assert.equal(res.status, 200)
})

test('fastify plugin: missing options is a registration error', async () => {
  const app = Fastify()
  await assert.rejects(async () => {
    await app.register(meshauthPlugin, {})
  }, TypeError)
})

test('per-route scopes: Express middleware and Fastify hook answer 403 insufficient_scope', async () => {
  const v = new Validator(options())
  const app = express()
  app.get('/orders', meshauth(v, { scopes: ['orders:write'] }), (req, res) => res.json({ subject: req.auth.subject }))
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const fastify = Fastify()
  fastify.get('/orders', { onRequest: meshauthHook(v, { scopes: ['orders:write'] }) }, async (request) => ({ subject: request.auth.subject }))
  await fastify.listen({ port: 0, host: '127.0.0.1' })
  try {
    for (const base of [`http://127.0.0.1:${server.address().port}`, `http://127.0.0.1:${fastify.server.address().port}`]) {
      let [status, headers, body] = await get(base, { authorization: `Bearer ${good}` })
      assert.equal(status, 200)
      assert.deepEqual(body, { subject: 'alice' })
      ;[status, headers, body] = await get(base, { authorization: `Bearer ${noScope}` })
      assert.equal(status, 403)
      assert.equal(body.error, 'insufficient_scope')
      assert.ok(headers.get('www-authenticate').endsWith(', scope="orders:write"'), headers.get('www-authenticate'))
    }
  } finally {
    server.close()
    await fastify.close()
  }
})

test('the answer carries the catalogue description, never the operator detail', async () => {
  const { createError } = require('meshauth')
  const { errorBody } = require('../lib/response.js')
  const e = createError('key_source_unavailable', 'GET http://10.1.2.3/jwks?api_key=s3cret: HTTP 500')
  assert.equal(e.message.includes('s3cret'), false, 'the core strips the query from the detail too')
  assert.equal(e.message.includes('10.1.2.3/jwks'), true)
  assert.deepEqual(errorBody(e), { error: 'key_source_unavailable', error_description: "the issuer's keys are unavailable" })
  // Through a real server: a key source that fails answers 503 with the fixed text only.
  const http = await import('node:http')
  const jwks = http.createServer((req, res) => { res.statusCode = 500; res.end('stack trace at db-7.corp') })
  await new Promise((resolve) => jwks.listen(0, '127.0.0.1', resolve))
  const jwksUrl = `http://127.0.0.1:${jwks.address().port}/jwks?api_key=qu3ry-s3cret`
  const v = new Validator({ issuer: ISSUER, audience: AUDIENCE, jwks_url: jwksUrl })
  const app = express()
  app.use(meshauth(v))
  app.get('/orders', (req, res) => res.json({}))
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  try {
    const [status, , body] = await get(`http://127.0.0.1:${server.address().port}`, { authorization: `Bearer ${good}` })
    assert.equal(status, 503)
    assert.deepEqual(body, { error: 'key_source_unavailable', error_description: "the issuer's keys are unavailable" })
  } finally {
    server.close()
    jwks.close()
  }
})
