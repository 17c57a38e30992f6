// meshauth vs the JWT libraries a Node service would otherwise use, on the same tokens, in one run.
//
//   make bench-node            (release build of the native module, then this script)
//
// Floor: one raw signature verification with node:crypto on a pre-created KeyObject and a
// pre-split signing input (what any library must at least do). Every row reports µs/op, the
// ratio to that floor, and the ratio to meshauth (how many times slower than meshauth).
// Also measured: the cost of the Principal's shape (DESIGN.md §7: build a JS object vs JSON).
// The machine is shared and noisy: compare ratios within one run, never absolute numbers.
import crypto from 'node:crypto'
import { createRequire } from 'node:module'
import { ALGS, AUDIENCE, ISSUER, claims, jwksFor, keyFor, sign } from '../test/fixtures/keys.mjs'

const require = createRequire(import.meta.url)
const { Validator } = require('meshauth')
const jose = require('jose')
const jsonwebtoken = require('jsonwebtoken')
const { createVerifier } = require('fast-jwt')

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7)
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 100)

/** Best µs/op of `fn` (sync) over ROUNDS rounds of about ROUND_MS each (the minimum is the estimate
 * least disturbed by other processes on a shared machine). */
function timeSync(fn) {
  for (let i = 0; i < 200; i++) fn()
  let n = 64
  for (;;) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) fn()
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    if (ms > ROUND_MS / 4) {
      n = Math.max(1, Math.round((n * ROUND_MS) / ms))
      break
    }
    n *= 4
  }
  const per = []
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) fn()
    per.push(Number(process.hrtime.bigint() - t0) / 1e3 / n)
  }
  return Math.min(...per)
}

/** Same for a function returning a Promise (awaited one after another). */
async function timeAsync(fn) {
  for (let i = 0; i < 200; i++) await fn()
  let n = 64
  for (;;) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) await fn()
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    if (ms > ROUND_MS / 4) {
      n = Math.max(1, Math.round((n * ROUND_MS) / ms))
      break
    }
    n *= 4
  }
  const per = []
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) await fn()
    per.push(Number(process.hrtime.bigint() - t0) / 1e3 / n)
  }
  return Math.min(...per)
}

const now = Math.floor(Date.now() / 1000)
const tokenClaims = claims({ iat: now, nbf: now - 10, exp: now + 86400 })
const jwks = jwksFor()
const jwkSet = jose.createLocalJWKSet(jwks)
const meshauth = new Validator({ issuer: ISSUER, audience: AUDIENCE, jwks })
const joseOpts = (alg) => ({ issuer: ISSUER, audience: AUDIENCE, algorithms: [alg] })

function floorFor(alg, token) {
  const key = keyFor(alg).publicKey
  const dot = token.lastIndexOf('.')
  const data = Buffer.from(token.slice(0, dot))
  const sig = Buffer.from(token.slice(dot + 1), 'base64url')
  if (alg === 'RS256') return () => crypto.verify('sha256', data, key, sig)
  if (alg === 'PS256') {
    const k = { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
    return () => crypto.verify('sha256', data, k, sig)
  }
  if (alg === 'ES256') {
    const k = { key, dsaEncoding: 'ieee-p1363' }
    return () => crypto.verify('sha256', data, k, sig)
  }
  return () => crypto.verify(null, data, key, sig)
}

function check(ok, what) {
  if (!ok) throw new Error(`benchmark sanity check failed: ${what}`)
}

const rows = []
const shapeRows = []
for (const alg of ALGS) {
  const token = sign(alg, tokenClaims)
  const key = keyFor(alg)
  const pem = key.publicKey.export({ type: 'spki', format: 'pem' })
  const importedKey = await jose.importJWK(key.jwk, alg)

  // Every contender must accept the token before it is timed.
  const floor = floorFor(alg, token)
  check(floor(), `${alg} floor`)
  check(meshauth.validateSync(token).subject === 'alice', `${alg} meshauth`)
  check((await jose.jwtVerify(token, jwkSet, joseOpts(alg))).payload.sub === 'alice', `${alg} jose`)
  const fastNoCache = createVerifier({ key: pem, algorithms: [alg], allowedIss: ISSUER, allowedAud: AUDIENCE, cache: false })
  const fastCache = createVerifier({ key: pem, algorithms: [alg], allowedIss: ISSUER, allowedAud: AUDIENCE, cache: true })
  check(fastNoCache(token).sub === 'alice', `${alg} fast-jwt`)
  const jwtSupported = alg !== 'EdDSA' // jsonwebtoken 9 has no EdDSA
  if (jwtSupported) check(jsonwebtoken.verify(token, key.publicKey, { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE }).sub === 'alice', `${alg} jsonwebtoken`)

  const r = { alg, results: [] }
  const add = (name, us) => r.results.push({ name, us })
  add('floor: crypto.verify (KeyObject)', timeSync(floor))
  add('meshauth validateSync', timeSync(() => meshauth.validateSync(token)))
  add('meshauth await validate', await timeAsync(() => meshauth.validate(token)))
  add('jose jwtVerify + createLocalJWKSet', await timeAsync(() => jose.jwtVerify(token, jwkSet, joseOpts(alg))))
  add('jose jwtVerify + imported key', await timeAsync(() => jose.jwtVerify(token, importedKey, joseOpts(alg))))
  if (jwtSupported) {
    add('jsonwebtoken verify (KeyObject)', timeSync(() => jsonwebtoken.verify(token, key.publicKey, { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE })))
  } else add('jsonwebtoken verify (KeyObject)', null)
  add('fast-jwt (no cache)', timeSync(() => fastNoCache(token)))
  add('fast-jwt (cache, repeated token)', timeSync(() => fastCache(token)))
  rows.push(r)

  if (alg === 'RS256') {
    // The Principal's shape: the lazy class wrap (what validate returns) vs building JS objects.
    const p = meshauth.validateSync(token)
    const headers = {
      host: 'orders.internal',
      'user-agent': 'curl/8.5.0',
      accept: '*/*',
      'accept-encoding': 'gzip, deflate, br',
      'content-type': 'application/json',
      'x-request-id': '0b8f5a5e-7bd6-4c77-9f0e-6f2c1b0c1f55',
      'x-forwarded-for': '10.0.0.1',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      authorization: `Bearer ${token}`,
    }
    const raw = Object.entries(headers).flat()
    const bigText = JSON.stringify(tokenClaims).replace(/}$/, ',"id":9007199254740993}')
    const pBig = meshauth.validateSync(sign(alg, bigText))
    check(pBig.claims.id === 9007199254740993n, 'BigInt claims')
    shapeRows.push(
      ['validateSync → Principal (class wrapping the core Principal)', timeSync(() => meshauth.validateSync(token))],
      ['  + read subject, scopes, clientId', timeSync(() => { const q = meshauth.validateSync(token); return q.subject + q.scopes.length + q.clientId })],
      ['  + p.claims', timeSync(() => meshauth.validateSync(token).claims)],
      ['  + p.toJSON()', timeSync(() => meshauth.validateSync(token).toJSON())],
      ['p.subject (one getter)', timeSync(() => p.subject)],
      ['p.claims, 10 claims (V8 JSON.parse path: no 16+ digit integer)', timeSync(() => p.claims)],
      ['p.claims, 11 claims with one > 2^53 (BigInt-aware builder in Rust)', timeSync(() => pBig.claims)],
      ['JSON.parse(p.claimsJson) in JS', timeSync(() => JSON.parse(p.claimsJson))],
      ['p.toJSON(): every field + claims as one plain JS object', timeSync(() => p.toJSON())],
      ['authenticateSync({ headers: req.headers }), 9 headers', timeSync(() => meshauth.authenticateSync({ headers }))],
      ['authenticateSync({ headers: req.rawHeaders }), 9 headers', timeSync(() => meshauth.authenticateSync({ headers: raw }))],
    )
  }
}

const fmt = (x, d = 2) => (x == null ? 'n/a' : x.toFixed(d))
console.log(`meshauth Node benchmark — node ${process.version}, ${process.platform}/${process.arch}, best of ${ROUNDS} rounds`)
console.log('µs/op; ×floor = time / raw crypto.verify; ×meshauth = time / meshauth validateSync (>1: slower than meshauth)\n')
console.log(`| alg | implementation | µs/op | ×floor | ×meshauth |`)
console.log(`|---|---|---:|---:|---:|`)
for (const r of rows) {
  const floor = r.results[0].us
  const mesh = r.results[1].us
  for (const { name, us } of r.results) {
    console.log(`| ${r.alg} | ${name} | ${fmt(us)} | ${us == null ? 'n/a' : fmt(us / floor)} | ${us == null ? 'n/a' : fmt(us / mesh)} |`)
  }
}
console.log('\nmeshauth overhead over the floor (validateSync − crypto.verify), µs:')
for (const r of rows) console.log(`  ${r.alg}: ${fmt(r.results[1].us - r.results[0].us)}`)
console.log('\nPrincipal shape and request conversion (RS256), µs/op:')
console.log('| what | µs/op |')
console.log('|---|---:|')
for (const [name, us] of shapeRows) console.log(`| ${name} | ${fmt(us)} |`)

// Machine-readable results for the chart (`make bench` writes docs/bench.svg from them):
// `node bench/bench.mjs --json FILE`.
const jsonAt = process.argv.indexOf('--json')
if (jsonAt > 0 && process.argv[jsonAt + 1]) {
  const { writeFileSync, readFileSync } = await import('node:fs')
  const pkgVersion = (name) => {
    try {
      return JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url))).version
    } catch {
      return null
    }
  }
  const results = {}
  for (const r of rows) results[r.alg] = Object.fromEntries(r.results.map(({ name, us }) => [name, us]))
  const doc = {
    language: 'Node',
    runtime: `node ${process.version}`,
    versions: {
      meshauth: JSON.parse(readFileSync(new URL('../package.json', import.meta.url))).version,
      jose: pkgVersion('jose'),
      jsonwebtoken: pkgVersion('jsonwebtoken'),
      'fast-jwt': pkgVersion('fast-jwt'),
    },
    floor: 'floor: crypto.verify (KeyObject)',
    meshauth: 'meshauth validateSync',
    results,
  }
  writeFileSync(process.argv[jsonAt + 1], JSON.stringify(doc, null, 2))
}
