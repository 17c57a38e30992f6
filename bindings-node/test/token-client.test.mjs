// Outgoing calls against the development issuer: TokenClient (client credentials with every client
// authentication, discovery, caching, jwt-bearer and token exchange for a third party), its failure
// paths, Principal.authorizationHeader, the service-to-service policy through Express, and a JWKS
// endpoint that wants a bearer token (jwks_auth).
import test, { after, before } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import util from 'node:util'
import { createRequire } from 'node:module'
import { claims, jwksFor, sign } from './fixtures/keys.mjs'

const require = createRequire(import.meta.url)
const { TokenClient, AccessToken, Validator, isMeshAuthError } = require('meshauth')
const { startDevIssuer } = require('meshauth/testing')
const { meshauth } = require('meshauth/express')
const express = require('express')

const here = path.dirname(new URL(import.meta.url).pathname)
const SIGNED_CLIENT_PEM = fs.readFileSync(path.join(here, '..', '..', 'issuer', 'dev-keys', 'signed-client.pem'), 'utf8')
const EXCHANGED = 'urn:ietf:params:oauth:token-type:access_token'

let issuer
before(async () => {
  issuer = await startDevIssuer()
})
after(async () => {
  await issuer?.stop()
})

const orders = (extra = {}) => new TokenClient({ issuer: issuer.issuer, clientId: 'orders', clientSecret: 'orders-dev-secret', ...extra })
const validatorFor = (audience, extra = {}) => new Validator({ issuer: issuer.issuer, audience, jwksUrl: issuer.jwksUrl, ...extra })
const userToken = () => issuer.mint({ sub: 'alice', aud: ['orders', 'inventory'] })

/** Assert that `promise` rejects with token_endpoint_error carrying `oauthError`. */
async function refused(promise, oauthError) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof Error)
    assert.ok(isMeshAuthError(err))
    assert.equal(err.code, 'token_endpoint_error')
    assert.equal(err.oauthError, oauthError)
    assert.equal(err.status, null)
    assert.equal(err.wwwAuthenticate, null)
    assert.doesNotMatch(err.message, /dev-secret/)
    return true
  })
}

/** An Express app on a free loopback port; resolves to its base URL. */
async function serve(t, app) {
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  t.after(() => new Promise((resolve) => server.close(resolve)))
  return `http://127.0.0.1:${server.address().port}`
}

test('client credentials: discovery from the issuer, client_secret_basic; the token validates', async () => {
  const client = orders()
  assert.equal(client.clientId, 'orders')
  const t = await client.clientCredentials({ audience: 'inventory', scope: 'inventory:read' })
  assert.ok(t instanceof AccessToken)
  assert.equal(t.tokenType, 'Bearer')
  assert.equal(t.scope, 'inventory:read')
  assert.equal(t.issuedTokenType, null)
  const now = Math.floor(Date.now() / 1000)
  assert.ok(t.expiresAt > now + 200 && t.expiresAt <= now + 301, `expiresAt ${t.expiresAt}`)
  assert.equal(t.authorizationHeader(), `Bearer ${t.accessToken}`)
  const p = await validatorFor('inventory', { allowedClients: ['orders'], requiredScopes: ['inventory:read'] }).validate(t.accessToken)
  assert.equal(p.isClient, true)
  assert.equal(p.clientId, 'orders')
  assert.deepEqual(p.audiences, ['inventory'])
  assert.deepEqual(p.scopes, ['inventory:read'])
})

test('client credentials: explicit token_endpoint with client_secret_post (snake_case options), scope as a list', async () => {
  const client = new TokenClient({
    token_endpoint: issuer.tokenUrl,
    client_id: 'orders',
    client_secret: 'orders-dev-secret',
    client_auth: 'client_secret_post',
  })
  const t = await client.clientCredentials({ scope: ['inventory:read', 'billing:charge'] })
  assert.equal(t.scope, 'inventory:read billing:charge')
  const p = await validatorFor('billing').validate(t.accessToken)
  assert.deepEqual(p.audiences, ['inventory', 'billing'])
  assert.deepEqual(p.scopes, ['inventory:read', 'billing:charge'])
})

test('client credentials: defaults from the options; no request, null and {} are the same request', async () => {
  const client = orders({ audience: 'billing', scope: 'billing:charge' })
  const t = await client.clientCredentials()
  assert.deepEqual((await validatorFor('billing').validate(t.accessToken)).audiences, ['billing'])
  assert.equal((await client.clientCredentials(null)).accessToken, t.accessToken)
  assert.equal((await client.clientCredentials({})).accessToken, t.accessToken)
})

test('client credentials: a fresh token comes from the cache, settled without a thread hop', async () => {
  const client = orders()
  const first = await client.clientCredentials({ audience: 'inventory' })
  let second = null
  client.clientCredentials({ audience: 'inventory' }).then((t) => (second = t))
  await Promise.resolve()
  await Promise.resolve()
  assert.ok(second, 'a cache hit settles within microtasks')
  assert.equal(second.accessToken, first.accessToken)
  // Another request shape is another token; scopes in another order are the same shape.
  const billing = await client.clientCredentials({ audience: 'billing', scope: 'billing:charge inventory:read' })
  assert.notEqual(billing.accessToken, first.accessToken)
  assert.equal((await client.clientCredentials({ audience: 'billing', scope: ['inventory:read', 'billing:charge'] })).accessToken, billing.accessToken)
  // Each client has its own cache.
  assert.notEqual((await orders().clientCredentials({ audience: 'inventory' })).accessToken, first.accessToken)
})

test('private_key_jwt with the signed-client development key (camelCase options)', async () => {
  const client = new TokenClient({ issuer: issuer.issuer, clientId: 'signed-client', privateKeyPem: SIGNED_CLIENT_PEM })
  const t = await client.clientCredentials({ scope: 'inventory:read' })
  const p = await validatorFor('inventory').validate(t.accessToken)
  assert.equal(p.clientId, 'signed-client')
  assert.equal(p.isClient, true)
  // Twice from two clients: each assertion is fresh (the issuer refuses a replayed jti).
  const other = new TokenClient({ issuer: issuer.issuer, client_id: 'signed-client', client_auth: 'private_key_jwt', private_key_pem: SIGNED_CLIENT_PEM })
  assert.equal((await validatorFor('inventory').validate((await other.clientCredentials()).accessToken)).clientId, 'signed-client')
})

test('jwt-bearer and token exchange: a user token for partner-api is refused internally', async () => {
  const user = await userToken()
  const inventory = validatorFor('inventory')
  const partner = validatorFor('partner-api')
  const client = orders()
  const cases = [
    ['jwt-bearer', () => client.jwtBearer(user, { audience: 'partner-api', scope: 'partner:orders:read' }), null],
    ['jwt-bearer with the client token', () => client.jwtBearer(user, { audience: 'partner-api', useClientToken: true }), null],
    ['token exchange', () => client.tokenExchange(user, { audience: 'partner-api', scope: ['partner:orders:read'] }), EXCHANGED],
    ['token exchange, snake_case', () => client.tokenExchange(user, { audience: 'partner-api', subject_token_type: EXCHANGED, requested_token_type: EXCHANGED }), EXCHANGED],
  ]
  for (const [grant, call, issuedTokenType] of cases) {
    const t = await call()
    assert.equal(t.issuedTokenType, issuedTokenType, grant)
    assert.equal(t.scope, 'partner:orders:read', grant)
    const p = await partner.validate(t.accessToken)
    assert.equal(p.subject, 'alice', grant)
    assert.deepEqual(p.audiences, ['partner-api'], grant)
    assert.equal(p.clientId, 'orders', grant)
    assert.equal(p.isClient, false, grant)
    await assert.rejects(inventory.validate(t.accessToken), { code: 'invalid_audience', status: 401 }, grant)
  }
  // The user's own token is still good for the first-party service, forwarded as is.
  const alice = await inventory.validate(user)
  assert.equal(alice.authorizationHeader(), `Bearer ${user}`)
})

test('token exchange with an actor token', async () => {
  const user = await userToken()
  const actor = await issuer.mint({ sub: 'batch-job', aud: 'orders' })
  const t = await orders().tokenExchange(user, { audience: 'partner-api', actorToken: actor, actorTokenType: EXCHANGED })
  const p = await validatorFor('partner-api').validate(t.accessToken)
  assert.deepEqual(p.claims.act, { sub: 'batch-job' })
})

test('failures: token_endpoint_error with the OAuth error', async () => {
  const user = await userToken()
  await refused(orders({ clientSecret: 'wrong' }).clientCredentials(), 'invalid_client')
  await refused(new TokenClient({ issuer: issuer.issuer, clientId: 'nobody', clientSecret: 'x' }).clientCredentials(), 'invalid_client')
  await refused(orders().clientCredentials({ audience: 'partner-api' }), 'invalid_target')
  await refused(orders().clientCredentials({ scope: 'admin' }), 'invalid_scope')
  const expired = await issuer.mint({ sub: 'alice', aud: 'orders', exp: 1700000000 })
  await refused(orders().jwtBearer(expired, { audience: 'partner-api' }), 'invalid_grant')
  await refused(orders().tokenExchange(expired, { audience: 'partner-api' }), 'invalid_request')
  await refused(orders().jwtBearer(user, { audience: 'inventory' }), 'invalid_target')
  const reporting = new TokenClient({ issuer: issuer.issuer, clientId: 'reporting', clientSecret: 'reporting-dev-secret' })
  await refused(reporting.jwtBearer(user, { audience: 'partner-api' }), 'unauthorized_client')
})

test('failures: the issuer is down (token endpoint and discovery): token_endpoint_error without an OAuth error', async () => {
  const gone = await startDevIssuer()
  const [tokenUrl, issuerUrl] = [gone.tokenUrl, gone.issuer]
  await gone.stop()
  const direct = new TokenClient({ tokenEndpoint: tokenUrl, clientId: 'orders', clientSecret: 'orders-dev-secret', httpTimeoutMs: 2000 })
  await refused(direct.clientCredentials(), null)
  await refused(direct.tokenExchange(await userToken(), { audience: 'partner-api' }), null)
  const discovering = new TokenClient({ issuer: issuerUrl, clientId: 'orders', clientSecret: 'orders-dev-secret', httpTimeoutMs: 2000 })
  await refused(discovering.clientCredentials(), null)
})

test('invalid_config: thrown by the constructor, rejected for a bad request', async () => {
  const bad = [
    {},
    { issuer: issuer.issuer, clientSecret: 'x' },
    { issuer: issuer.issuer, clientId: 'orders' },
    { issuer: issuer.issuer, clientId: 'orders', clientSecret: 'x', colour: 'blue' },
    { issuer: issuer.issuer, clientId: 'orders', client_id: 'orders', clientSecret: 'x' },
    { tokenEndpoint: 'http://issuer.example/token', clientId: 'orders', clientSecret: 'x' },
    { issuer: issuer.issuer, clientId: 'signed-client', privateKeyPem: 'not a key' },
    { issuer: issuer.issuer, clientId: 'orders', clientSecret: 'x', clientAuth: 'magic' },
  ]
  for (const options of bad) {
    assert.throws(() => new TokenClient(options), { name: 'MeshAuthError', code: 'invalid_config' }, JSON.stringify(options))
  }
  assert.throws(() => new TokenClient({ issuer: issuer.issuer, clientId: 'orders', clientSecret: 'orders-dev-secret', privateKeyPem: 'x' }), (err) => {
    assert.equal(err.code, 'invalid_config')
    assert.doesNotMatch(err.message, /dev-secret/)
    return true
  })
  const client = orders()
  await assert.rejects(client.clientCredentials({ colour: 'blue' }), { code: 'invalid_config' })
  await assert.rejects(client.clientCredentials({ actorToken: 'x' }), { code: 'invalid_config' })
  await assert.rejects(client.jwtBearer('a.b.c', { subjectTokenType: EXCHANGED }), { code: 'invalid_config' })
  await assert.rejects(client.tokenExchange('', { audience: 'partner-api' }), { code: 'invalid_config' })
  await assert.rejects(client.tokenExchange('a.b.c', 'partner-api'), { code: 'invalid_config' })
  await assert.rejects(client.tokenExchange('a.b.c', { audience: 'x', audience_: 1 }), { code: 'invalid_config' })
})

test('a token argument that is not a string, or options JSON cannot hold, is a TypeError', async () => {
  assert.throws(() => new TokenClient({ issuer: issuer.issuer, clientId: 'signed-client', privateKeyPem: Buffer.from(SIGNED_CLIENT_PEM) }), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: /readFileSync\(path, 'utf8'\)/,
  })
  const client = orders()
  await assert.rejects(client.clientCredentials({ scope: () => 'x' }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  await assert.rejects(client.tokenExchange('a.b.c', { audience: Buffer.from('x') }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  for (const value of [undefined, null, 42, { token: 'x' }]) {
    await assert.rejects(client.jwtBearer(value), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
    await assert.rejects(client.tokenExchange(value), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  }
})

test('AccessToken: toJSON, JSON.stringify and util.inspect never show the token', async () => {
  const t = await orders().tokenExchange(await userToken(), { audience: 'partner-api' })
  const json = t.toJSON()
  assert.deepEqual(json, {
    tokenType: 'Bearer',
    expiresAt: t.expiresAt,
    scope: 'partner:orders:read',
    issuedTokenType: EXCHANGED,
    accessToken: '<redacted>',
  })
  assert.ok(!JSON.stringify({ t }).includes(t.accessToken))
  const shown = util.inspect(t)
  assert.match(shown, /^AccessToken \{/)
  assert.match(shown, /<redacted>/)
  assert.ok(!shown.includes(t.accessToken))
  assert.throws(() => new AccessToken())
})

test('token requests run off the event loop (token endpoint served by this process), one fetch in flight', async (t) => {
  let requests = 0
  const server = http.createServer((req, res) => {
    requests++
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      const form = new URLSearchParams(body)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ access_token: `tok-${requests}`, token_type: 'Bearer', expires_in: 300, scope: form.get('scope') }))
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise((resolve) => server.close(resolve)))
  const client = new TokenClient({ tokenEndpoint: `http://127.0.0.1:${server.address().port}/token`, clientId: 'svc', clientSecret: 's', httpTimeoutMs: 3000 })
  const tokens = await Promise.all([1, 2, 3].map(() => client.clientCredentials({ scope: 'a' })))
  assert.deepEqual(tokens.map((x) => x.accessToken), ['tok-1', 'tok-1', 'tok-1'])
  assert.equal(requests, 1, 'concurrent callers share one fetch')
  assert.equal(tokens[0].scope, 'a')
  assert.equal((await client.jwtBearer('h.p.s')).accessToken, 'tok-2')
})

test('express: allowed_clients refuses another caller (403 caller_not_allowed)', async (t) => {
  const app = express()
  app.use(meshauth({ issuer: issuer.issuer, audience: 'billing', jwksUrl: issuer.jwksUrl, allowedClients: ['orders'] }))
  app.get('/invoices', (req, res) => res.json({ client: req.auth.clientId }))
  const base = await serve(t, app)
  const call = async (client) => fetch(`${base}/invoices`, { headers: { authorization: (await client.clientCredentials({ audience: 'billing' })).authorizationHeader() } })
  const ok = await call(orders())
  assert.equal(ok.status, 200)
  assert.deepEqual(await ok.json(), { client: 'orders' })
  const denied = await call(new TokenClient({ issuer: issuer.issuer, clientId: 'reporting', clientSecret: 'reporting-dev-secret' }))
  assert.equal(denied.status, 403)
  assert.equal(denied.headers.get('www-authenticate'), null)
  const body = await denied.json()
  assert.equal(body.error, 'caller_not_allowed')
  assert.equal(typeof body.error_description, 'string')
})

test('express: required_scopes refuses a token without the scope (403 insufficient_scope)', async (t) => {
  const app = express()
  app.use(meshauth({ issuer: issuer.issuer, audience: 'billing', jwksUrl: issuer.jwksUrl, requiredScopes: ['billing:charge'] }))
  app.post('/charges', (req, res) => res.json({ scopes: req.auth.scopes }))
  const base = await serve(t, app)
  const client = orders()
  const charge = async (scope) => fetch(`${base}/charges`, { method: 'POST', headers: { authorization: (await client.clientCredentials({ audience: 'billing', scope })).authorizationHeader() } })
  const ok = await charge('billing:charge')
  assert.equal(ok.status, 200)
  assert.deepEqual(await ok.json(), { scopes: ['billing:charge'] })
  const denied = await charge('inventory:read')
  assert.equal(denied.status, 403)
  assert.match(denied.headers.get('www-authenticate'), /^Bearer error="insufficient_scope".*scope="billing:charge"$/)
  assert.equal((await denied.json()).error, 'insufficient_scope')
})

test('express: a service forwards the user token to a first-party service and exchanges it for a third party', async (t) => {
  const inventoryApp = express()
  inventoryApp.use(meshauth({ issuer: issuer.issuer, audience: 'inventory', jwksUrl: issuer.jwksUrl }))
  inventoryApp.get('/stock', (req, res) => res.json({ for: req.auth.subject }))
  const partnerApp = express()
  partnerApp.use(meshauth({ issuer: issuer.issuer, audience: 'partner-api', jwksUrl: issuer.jwksUrl }))
  partnerApp.get('/orders', (req, res) => res.json({ for: req.auth.subject, via: req.auth.clientId }))
  const [inventoryUrl, partnerUrl] = [await serve(t, inventoryApp), await serve(t, partnerApp)]

  const client = orders()
  const ordersApp = express()
  ordersApp.use(meshauth({ issuer: issuer.issuer, audience: 'orders', jwksUrl: issuer.jwksUrl }))
  ordersApp.get('/summary', async (req, res, next) => {
    try {
      const stock = await fetch(`${inventoryUrl}/stock`, { headers: { authorization: req.auth.authorizationHeader() } })
      const partnerToken = await client.tokenExchange(req.auth.token, { audience: 'partner-api' })
      const partner = await fetch(`${partnerUrl}/orders`, { headers: { authorization: partnerToken.authorizationHeader() } })
      // The user's own token is not accepted by the third party.
      const direct = await fetch(`${partnerUrl}/orders`, { headers: { authorization: req.auth.authorizationHeader() } })
      res.json({ stock: await stock.json(), partner: await partner.json(), direct: direct.status })
    } catch (err) {
      next(err)
    }
  })
  const ordersUrl = await serve(t, ordersApp)
  const res = await fetch(`${ordersUrl}/summary`, { headers: { authorization: `Bearer ${await userToken()}` } })
  assert.equal(res.status, 200)
  assert.deepEqual(await res.json(), { stock: { for: 'alice' }, partner: { for: 'alice', via: 'orders' }, direct: 401 })
})

test('jwks_auth: a JWKS endpoint that wants a bearer token gets the service\'s own token', async (t) => {
  const seen = []
  const billing = validatorFor('billing')
  const server = http.createServer(async (req, res) => {
    const auth = req.headers.authorization ?? ''
    seen.push(auth)
    const ok = auth.startsWith('Bearer ') && (await billing.validate(auth.slice(7)).then((p) => p.clientId === 'orders', () => false))
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' })
    res.end(JSON.stringify(ok ? jwksFor() : { error: 'invalid_token' }))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise((resolve) => server.close(resolve)))
  const jwksUrl = `http://127.0.0.1:${server.address().port}/jwks`
  const now = Math.floor(Date.now() / 1000)
  const token = sign('ES256', claims({ iat: now, nbf: now, exp: now + 600 }))

  const v = new Validator({
    issuer: 'https://issuer.test',
    audience: 'orders',
    jwksUrl,
    jwksAuth: { tokenEndpoint: issuer.tokenUrl, clientId: 'orders', clientSecret: 'orders-dev-secret', audience: 'billing' },
  })
  assert.equal((await v.validate(token)).subject, 'alice')
  assert.equal(seen.length, 1)
  assert.match(seen[0], /^Bearer ey/)

  const plain = new Validator({ issuer: 'https://issuer.test', audience: 'orders', jwksUrl })
  await assert.rejects(plain.validate(token), { code: 'key_source_unavailable', status: 503 })
  assert.throws(() => new Validator({ issuer: 'https://issuer.test', audience: 'orders', jwks: jwksFor(), jwksAuth: { clientId: 'orders', clientSecret: 'x' } }), {
    code: 'invalid_config',
  })
})
