// The public JS API on tokens signed by the fixtures: Principal fields, claims, errors, request
// shapes, option names, the warm-key path.
import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { inspect } from 'node:util'
import { ALGS, AUDIENCE, ISSUER, NOW, claims, jwksFor, options, sign } from './fixtures/keys.mjs'

const require = createRequire(import.meta.url)
const { Validator, Principal, isMeshAuthError } = require('meshauth')

const at = { now: NOW }

test('every algorithm validates and returns the typed Principal', async () => {
  const v = new Validator(options())
  for (const alg of ALGS) {
    const token = sign(alg, claims())
    const p = await v.validate(token, at)
    assert.ok(p instanceof Principal)
    assert.equal(p.subject, 'alice')
    assert.equal(p.issuer, ISSUER)
    assert.deepEqual(p.audiences, [AUDIENCE, 'billing'])
    assert.equal(p.expiresAt, NOW + 3600)
    assert.equal(p.issuedAt, NOW)
    assert.equal(p.notBefore, NOW - 10)
    assert.equal(p.jwtId, 'a1b2c3')
    assert.equal(p.clientId, 'web-app')
    assert.deepEqual(p.scopes, ['orders:read', 'orders:write'])
    assert.deepEqual(p.roles, ['admin'])
    assert.equal(p.isClient, false)
    assert.equal(p.token, token)
    assert.equal(p.hasScope('orders:write'), true)
    assert.equal(p.hasScope('orders'), false)
    assert.deepEqual(p.claims, claims())
  }
})

test('absent optional fields are null', async () => {
  const v = new Validator(options())
  const { sub, iat, nbf, jti, client_id, scope, roles, ...minimal } = claims()
  const p = v.validateSync(sign('ES256', minimal), at)
  for (const field of ['subject', 'issuedAt', 'notBefore', 'jwtId', 'clientId']) assert.equal(p[field], null, field)
  assert.deepEqual(p.scopes, [])
  assert.deepEqual(p.roles, [])
})

test('integers beyond 2^53 come back as BigInt; claimsJson is exact; toJSON has no token', async () => {
  const v = new Validator(options())
  const text = JSON.stringify(claims()).replace(/}$/, ',"id":9007199254740993,"neg":-9007199254740993,"small":42,"f":1.5}')
  const p = await v.validate(sign('RS256', text), at)
  assert.equal(p.claims.id, 9007199254740993n)
  assert.equal(p.claims.neg, -9007199254740993n)
  assert.equal(p.claims.small, 42)
  assert.equal(p.claims.f, 1.5)
  assert.equal(p.claimsJson, text)
  const json = JSON.parse(JSON.stringify(p))
  assert.equal(json.subject, 'alice')
  assert.equal(json.expiresAt, NOW + 3600)
  assert.equal(json.claims.small, 42)
  assert.equal(typeof json.claims.id, 'number')
  assert.equal('token' in json, false)
  const shown = inspect(p)
  assert.match(shown, /^Principal \{/)
  assert.match(shown, /subject: 'alice'/)
  assert.equal(shown.includes(p.token), false, 'inspect never shows the token')
})

test('claims: member order, __proto__ stays a plain key on both paths', async () => {
  const v = new Validator(options())
  for (const extra of ['', ',"id":9007199254740993']) {
    const text = JSON.stringify(claims()).replace(/}$/, `,"__proto__":{"polluted":true}${extra}}`)
    const c = v.validateSync(sign('RS256', text), at).claims
    assert.equal(Object.getPrototypeOf(c), Object.prototype)
    assert.equal(c.polluted, undefined)
    assert.deepEqual(Object.getOwnPropertyDescriptor(c, '__proto__').value, { polluted: true })
    if (!extra) assert.deepEqual(Object.keys(c), [...Object.keys(claims()), '__proto__'])
  }
})

test('failures reject with MeshAuthError: code, status, wwwAuthenticate', async () => {
  const v = new Validator(options())
  const expired = sign('RS256', claims({ exp: NOW - 3600 }))
  await assert.rejects(v.validate(expired, at), (e) => {
    assert.ok(e instanceof Error)
    assert.ok(isMeshAuthError(e))
    assert.equal(e.name, 'MeshAuthError')
    assert.equal(e.code, 'token_expired')
    assert.equal(e.number, 11)
    assert.equal(e.status, 401)
    assert.equal(e.wwwAuthenticate, 'Bearer error="invalid_token", error_description="the access token expired"')
    assert.equal(e.oauthError, null)
    assert.equal(e.message.includes(expired), false, 'the message never echoes the token')
    return true
  })
  assert.throws(() => v.validateSync('not-a-jwt', at), { code: 'malformed_token', status: 401 })
  await assert.rejects(v.validate(sign('RS256', claims({ aud: 'other' })), at), { code: 'invalid_audience' })
  const tampered = sign('RS256', claims()).replace(/.{4}$/, 'AAAA')
  await assert.rejects(v.validate(tampered, at), { code: 'invalid_signature' })
})

test('warm keys settle the Promise without a thread hop (before any I/O phase)', async () => {
  const v = new Validator(options())
  const token = sign('EdDSA', claims())
  let settled = false
  v.validate(token, at).then(() => (settled = true))
  // Only microtasks run here: a libuv pool task could not have completed yet.
  await Promise.resolve()
  await Promise.resolve()
  assert.equal(settled, true)
  let rejected = false
  v.validate('x.y.z', at).catch(() => (rejected = true))
  await Promise.resolve()
  await Promise.resolve()
  assert.equal(rejected, true)
})

test('options: snake_case and camelCase names, unknown or doubled names refused', async () => {
  const token = sign('RS256', claims({ roles: undefined, perms: ['p1'] }))
  const camel = new Validator({ issuer: ISSUER, audience: AUDIENCE, jwks: JSON.stringify(jwksFor()), rolesClaim: 'perms', leewayS: 0 })
  assert.deepEqual((await camel.validate(token, at)).roles, ['p1'])
  const snake = new Validator({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksFor(), roles_claim: 'perms', leeway_s: 0 })
  assert.deepEqual((await snake.validate(token, at)).roles, ['p1'])
  const multi = new Validator({ issuers: [{ issuer: ISSUER, jwks: jwksFor(), audience: AUDIENCE, requiredScopes: ['orders:read'] }] })
  assert.equal((await multi.validate(sign('ES256', claims()), at)).subject, 'alice')
  const scoped = new Validator(options({ requiredScopes: ['orders:delete'] }))
  await assert.rejects(scoped.validate(sign('ES256', claims()), at), (e) => {
    assert.equal(e.code, 'insufficient_scope')
    assert.equal(e.status, 403)
    assert.match(e.wwwAuthenticate, /^Bearer error="insufficient_scope"/)
    return true
  })
  for (const bad of [{ ...options(), audiance: 'x' }, { ...options(), leewayS: 1, leeway_s: 2 }, {}, { ...options(), jwks: { keys: [] } }]) {
    assert.throws(() => new Validator(bad), (e) => isMeshAuthError(e) && e.code === 'invalid_config' && e.status === null)
  }
  // A value JSON cannot hold (typically a PEM read without an encoding) is a TypeError that says so.
  assert.throws(() => new Validator({ issuer: ISSUER, audience: AUDIENCE, pem: Buffer.from('-----BEGIN PUBLIC KEY-----') }), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: /readFileSync\(path, 'utf8'\)/,
  })
})

test('authenticate: headers object, rawHeaders, pairs, cookies', async () => {
  const token = sign('RS256', claims())
  const v = new Validator(options({ cookieName: 'at' }))
  const ok = async (request) => assert.equal((await v.authenticate(request, at)).subject, 'alice')
  const fails = (request, code, status) => assert.rejects(v.authenticate(request, at), { code, status })

  await ok({ headers: { authorization: `Bearer ${token}`, host: 'x' } })
  await ok({ headers: ['Host', 'x', 'Authorization', `Bearer ${token}`] })
  await ok({ headers: [['authorization', `bearer ${token}`]] })
  await ok({ headers: new Headers({ authorization: `Bearer ${token}` }) })
  await ok({ headers: new Map([['Authorization', `Bearer ${token}`]]) })
  await ok({ cookies: new Map([['at', token]]) })
  await ok({ headers: { cookie: `a=1; at=${token}` } })
  await ok({ headers: {}, cookies: { at: token } })
  await ok({ cookies: [['at', token]] })
  assert.equal(v.authenticateSync({ headers: { authorization: `Bearer ${token}` } }, at).subject, 'alice')

  await fails({ headers: {} }, 'no_credentials', 401)
  // Only own enumerable properties are headers.
  await fails({ headers: Object.create({ authorization: `Bearer ${token}` }) }, 'no_credentials', 401)
  await ok({ headers: { 'content-length': 12, [Symbol('x')]: 'y', authorization: `Bearer ${token}` } })
  await fails({ headers: ['Authorization', `Bearer ${token}`, 'authorization', `Bearer ${token}`] }, 'invalid_request', 400)
  await fails({ headers: { authorization: [`Bearer ${token}`, `Bearer ${token}`] } }, 'invalid_request', 400)
  await fails({ headers: { authorization: 'Bearer' } }, 'invalid_request', 400)
  await fails({ headers: { authorization: `Bearer ${token}`, cookie: `at=${token}` } }, 'invalid_request', 400)
  await fails({ headers: [['cookie', 'at=a'], ['cookie', 'at=b']] }, 'invalid_request', 400)
  await assert.rejects(v.authenticate({ headers: { authorization: 'Bearer' } }, at), (e) => e.wwwAuthenticate.includes('invalid_request'))
  await assert.rejects(v.authenticate({}, at), (e) => e.code === 'no_credentials' && e.wwwAuthenticate === 'Bearer')

  assert.throws(() => v.authenticateSync({ headers: 'authorization' }), TypeError)
  await assert.rejects(v.validate(undefined), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  assert.throws(() => v.validateSync(42), TypeError)
  assert.throws(() => v.authenticateSync({ headers: ['a', 'b', 'c'] }), TypeError)
  assert.throws(() => v.authenticateSync({ headers: { a: { b: 1 } } }), TypeError)
})

test('sizes read from a request are bounded before anything is allocated (sparse arrays, long strings)', async () => {
  const token = sign('RS256', claims())
  const v = new Validator(options({ cookieName: 'at' }))
  const sparse = () => {
    const a = []
    a.length = 2 ** 32 - 1 // costs nothing to make; read naively it is a 32 GiB allocation
    return a
  }
  const tooMany = { name: 'RangeError', code: 'ERR_OUT_OF_RANGE', message: /4294967295 entries/ }
  assert.throws(() => v.authenticateSync({ headers: sparse() }, at), tooMany)
  assert.throws(() => v.authenticateSync({ cookies: sparse() }, at), tooMany)
  assert.throws(() => v.authenticateSync({ headers: { authorization: sparse() } }, at), tooMany)
  assert.throws(() => v.authenticate({ headers: sparse() }, at), tooMany)
  // A pair must have two elements, whatever length it claims.
  assert.throws(() => v.authenticateSync({ headers: [sparse()] }, at), { name: 'TypeError', message: /exactly two elements/ })
  assert.throws(() => v.authenticateSync({ cookies: [sparse()] }, at), { name: 'TypeError', message: /exactly two elements/ })
  const huge = 'x'.repeat(2 ** 20 + 1)
  assert.throws(() => v.authenticateSync({ headers: { 'x-big': huge, authorization: `Bearer ${token}` } }, at), {
    name: 'RangeError',
    code: 'ERR_OUT_OF_RANGE',
    message: /1048577 bytes/,
  })
  // Up to the bounds, requests are read as before: 65 536 flat entries, a 1 MiB value.
  const raw = []
  for (let i = 0; i < 32767; i++) raw.push(`x-h${i}`, 'v')
  raw.push('authorization', `Bearer ${token}`)
  assert.equal(raw.length, 65536)
  assert.equal(v.authenticateSync({ headers: raw }, at).subject, 'alice')
  assert.throws(() => v.authenticateSync({ headers: [...raw, 'x', 'y'] }, at), { name: 'RangeError', message: /65538 entries/ })
  const big = 'x'.repeat(2 ** 20)
  assert.equal(v.authenticateSync({ headers: { 'x-big': big, authorization: `Bearer ${token}` } }, at).subject, 'alice')
})

test('per-call options: now is a number of seconds; anything else is a TypeError', async () => {
  const token = sign('ES256', claims())
  const v = new Validator(options())
  assert.equal(v.validateSync(token, { now: NOW }).subject, 'alice')
  assert.equal(v.validateSync(token, { now: NOW + 0.9 }).subject, 'alice')
  assert.equal((await v.validate(token, { now: NOW })).subject, 'alice')
  // Without `now` (or with null/undefined) the clock is the current time: the fixture token expired long ago.
  for (const o of [undefined, null, {}, { now: undefined }, { now: null }]) {
    assert.throws(() => v.validateSync(token, o), { code: 'token_expired' })
    await assert.rejects(v.validate(token, o), { code: 'token_expired' })
  }
  assert.throws(() => v.validateSync(token, { now: NOW + 7200 }), { code: 'token_expired' })
  for (const o of [{ now: String(NOW) }, { now: BigInt(NOW) }, 5, 'now']) {
    assert.throws(() => v.validateSync(token, o), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
    await assert.rejects(v.validate(token, o), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
    assert.throws(() => v.authenticateSync({ headers: { authorization: `Bearer ${token}` } }, o), TypeError)
  }
})

test('a thrown MeshAuthError is a real Error whose stack names its caller', () => {
  const v = new Validator(options())
  function handleRequest() {
    return v.validateSync('not-a-jwt', at)
  }
  function handleHttpRequest() {
    return v.authenticateSync({ headers: { authorization: 'Bearer not-a-jwt' } }, at)
  }
  for (const [fn, name] of [[handleRequest, 'handleRequest'], [handleHttpRequest, 'handleHttpRequest']]) {
    assert.throws(fn, (e) => {
      assert.ok(e instanceof Error && isMeshAuthError(e))
      assert.equal(e.code, 'malformed_token')
      assert.deepEqual(Object.keys(e), ['code', 'name', 'number', 'status', 'wwwAuthenticate', 'oauthError'])
      assert.match(e.stack, new RegExp(`^MeshAuthError: .*\\n(.*\\n)?\\s+at ${name} `))
      return true
    })
  }
  // The sync methods keep their names and still refuse a foreign receiver.
  assert.equal(Validator.prototype.validateSync.name, 'validateSync')
  assert.equal(Validator.prototype.authenticateSync.name, 'authenticateSync')
  assert.throws(() => Validator.prototype.validateSync.call({}, 'a.b.c'), TypeError)
})

test('refresh() is a no-op Promise for inline keys', async () => {
  const v = new Validator(options())
  assert.equal(await v.refresh(), undefined)
})

test('an unknown option is reported in the user own spelling, with the nearest valid name', () => {
  assert.throws(() => new Validator({ ...options(), jwksURL: 'https://x' }), (e) =>
    e.code === 'invalid_config' && e.message.includes('unknown field `jwksURL`: did you mean `jwks_url`?'))
  assert.throws(() => new Validator({ ...options(), audiance: 'orders' }), (e) =>
    e.code === 'invalid_config' && e.message.includes('did you mean `audience`?') && e.message.includes('`leeway_s`'))
})
