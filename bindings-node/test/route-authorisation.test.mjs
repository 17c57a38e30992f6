// Per-route callers (`clients`) and meshauth errors thrown in handlers, through real HTTP requests
// on 127.0.0.1: Express and Fastify answer them with the catalogue answer, like a refused token.
import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { claims, options, sign } from './fixtures/keys.mjs'

const require = createRequire(import.meta.url)
const { Validator, createError } = require('meshauth')
const { meshauth, meshauthErrorHandler } = require('meshauth/express')
const { meshauthPlugin, meshauthHook, meshauthErrorHandler: fastifyErrorHandler } = require('meshauth/fastify')
const express = require('express')
const Fastify = require('fastify')

const now = Math.floor(Date.now() / 1000)
const token = (extra) => sign('ES256', claims({ iat: now, nbf: now - 10, exp: now + 3600, ...extra }))
const checkout = token({ client_id: 'checkout' })
const adminUi = token({ client_id: undefined, azp: 'admin-ui' }) // the fixture names client_id 'web-app'
const web = token({ client_id: 'web' })
const CALLER = { error: 'caller_not_allowed', error_description: 'the calling client is not allowed' }

async function call(base, path, tok, method = 'GET') {
  const res = await fetch(`${base}${path}`, { method, headers: tok ? { authorization: `Bearer ${tok}` } : {} })
  const text = await res.text()
  let body = text
  try { body = JSON.parse(text) } catch {}
  return { status: res.status, headers: res.headers, body }
}

function assertCallerNotAllowed(r) {
  assert.equal(r.status, 403)
  assert.equal(r.headers.get('cache-control'), 'no-store')
  assert.ok(r.headers.get('content-type').startsWith('application/json'), r.headers.get('content-type'))
  assert.equal(r.headers.get('www-authenticate'), null)
  assert.deepEqual(r.body, CALLER)
}

async function checkApp(base) {
  assert.equal((await call(base, '/orders', checkout, 'POST')).status, 200)
  assert.equal((await call(base, '/orders', adminUi, 'POST')).status, 200)
  assertCallerNotAllowed(await call(base, '/orders', web, 'POST'))
  // Thrown in the handler.
  assertCallerNotAllowed(await call(base, '/raise', checkout))
  const r = await call(base, '/scopes', checkout)
  assert.equal(r.status, 403)
  assert.equal(r.headers.get('cache-control'), 'no-store')
  assert.ok(r.headers.get('www-authenticate').endsWith('scope="orders:admin"'), r.headers.get('www-authenticate'))
  assert.deepEqual(r.body, { error: 'insufficient_scope', error_description: 'the token lacks a required scope' })
  // Any other error keeps the framework's own answer, and never meshauth's shape.
  const other = await call(base, '/bug', checkout)
  assert.equal(other.status, 500)
  assert.equal(typeof other.body === 'object' && other.body.error === 'caller_not_allowed', false)
}

test('Express: clients per route, and thrown meshauth errors get the catalogue answer', async () => {
  const v = new Validator(options())
  const app = express()
  app.post('/orders', meshauth(v, { clients: ['checkout', 'admin-ui'] }), (req, res) => res.json({ client: req.auth.clientId }))
  app.get('/raise', meshauth(v), () => { throw createError('caller_not_allowed') })
  app.get('/scopes', meshauth(v), (req, res) => { req.auth.requireScopes(['orders:admin']); res.json({}) })
  app.get('/bug', () => { throw new Error('db down') })
  app.use(meshauthErrorHandler())
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  try {
    await checkApp(`http://127.0.0.1:${server.address().port}`)
  } finally {
    server.close()
  }
})

test('Fastify: the plugin with clients, and the hook with the error handler', async () => {
  const v = new Validator(options())
  const routes = (app, guard) => {
    app.post('/orders', guard({ clients: ['checkout', 'admin-ui'] }), async (request) => ({ client: request.auth.clientId }))
    app.get('/raise', guard({}), async () => { throw createError('caller_not_allowed') })
    app.get('/scopes', guard({}), async (request) => { request.auth.requireScopes(['orders:admin']); return {} })
    app.get('/bug', guard({}), async () => { throw new Error('db down') })
  }
  // The hook per route, the error handler set by hand.
  const a = Fastify()
  a.setErrorHandler(fastifyErrorHandler)
  routes(a, (o) => ({ onRequest: meshauthHook(v, o) }))
  // The plugin installs the error handler; per-route callers through an encapsulated hook.
  const b = Fastify()
  await b.register(meshauthPlugin, { validator: v })
  routes(b, (o) => (o.clients ? { onRequest: meshauthHook(v, o) } : {}))
  await a.listen({ port: 0, host: '127.0.0.1' })
  await b.listen({ port: 0, host: '127.0.0.1' })
  try {
    for (const app of [a, b]) await checkApp(`http://127.0.0.1:${app.server.address().port}`)
  } finally {
    await a.close()
    await b.close()
  }
})

test('the plugin option clients, and Principal.requireClients', async () => {
  const v = new Validator(options())
  const app = Fastify()
  await app.register(meshauthPlugin, { validator: v, clients: ['checkout'] })
  app.get('/orders', async (request) => ({ client: request.auth.clientId }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  try {
    const base = `http://127.0.0.1:${app.server.address().port}`
    assert.deepEqual((await call(base, '/orders', checkout)).body, { client: 'checkout' })
    assertCallerNotAllowed(await call(base, '/orders', web))
  } finally {
    await app.close()
  }
  const p = await v.validate(web)
  p.requireClients(['web'])
  assert.throws(() => p.requireClients(['checkout']), (e) => e.code === 'caller_not_allowed' && e.status === 403 && e.message.includes('"web"'))
  assert.throws(() => p.requireClients('web'), TypeError)
  assert.throws(() => meshauth(v, { clients: 'checkout' }), TypeError)
})
