// meshauth for Node against the real floor and the alternatives, on the same tokens, in one run.
//
//   make bench-node      (release build with the bench-only exports, then this script)
//
// Floor: one raw aws-lc-rs verification of the token's signature with a pre-parsed key, timed in
// Rust inside this process (`benchFloor`, cargo feature `bench`). Beside it, in the same run:
// the core's own warm validation timed in Rust (`benchCore`), Python's meshauth `validate` on the
// same tokens and configurations (bench/python_side.py, run twice around the Node measurements;
// MESHAUTH_PYTHON names the interpreter, default ../.venv/bin/python), node:crypto's `verify`,
// fast-jwt with and without its cache, and jose. Every row reports µs/op, the ratio and the
// difference to the floor, and the ratio to meshauth `validateSync`.
//
// Time is CPU time of this process (process.cpuUsage(); Python: time.process_time()), not wall
// time: on a shared machine a wall clock also counts the time other processes held the CPU.
// Contenders of one table run in interleaved rounds and each keeps its best round, so a burst of
// load hits all of them alike. Compare ratios and differences within one run, never absolute
// numbers across runs.
import crypto from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { ALGS, AUDIENCE, ISSUER, claims, jwksFor, keyFor, sign } from '../test/fixtures/keys.mjs'

const require = createRequire(import.meta.url)
const native = require('meshauth')
const { Validator } = native
const jose = require('jose')
const { createVerifier } = require('fast-jwt')

if (typeof native.benchFloor !== 'function') {
  throw new Error('the native module has no bench exports: build it with `make bench-node` (cargo feature `bench`)')
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9)
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 40)
const HMAC_SECRET = 'meshauth-bench-hs256-secret-of-at-least-32-bytes'
const BENCH_ALGS = [...ALGS, 'HS256']

/** CPU µs (user + system) of this process since `start` (a `process.cpuUsage()` value). */
const cpuSince = (start) => {
  const c = process.cpuUsage(start)
  return c.user + c.system
}

/** Calls of `fn` that take about ROUND_MS of CPU (sync or async). */
async function calibrate(fn, isAsync) {
  for (let i = 0; i < 200; i++) isAsync ? await fn() : fn()
  let n = 64
  for (;;) {
    const c0 = process.cpuUsage()
    if (isAsync) for (let i = 0; i < n; i++) await fn()
    else for (let i = 0; i < n; i++) fn()
    const ms = cpuSince(c0) / 1e3
    if (ms > ROUND_MS / 4) return Math.max(1, Math.round((n * ROUND_MS) / ms))
    n *= 4
  }
}

/**
 * Best CPU µs/op of each contender over ROUNDS interleaved rounds. A contender is
 * `{ name, fn, kind }`: kind 'sync', 'async' (each call awaited), or 'rust' (`fn(iterations)`
 * runs a loop in Rust; its own wall-clock figure is used only to size the loop).
 */
async function race(contenders) {
  const plan = []
  for (const c of contenders) {
    if (c.kind === 'rust') {
      const probe = c.fn(1000)
      plan.push(Math.max(100, Math.round((ROUND_MS * 1000) / Math.max(probe, 0.01))))
    } else plan.push(await calibrate(c.fn, c.kind === 'async'))
  }
  const best = contenders.map(() => Infinity)
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, c] of contenders.entries()) {
      const n = plan[i]
      const c0 = process.cpuUsage()
      if (c.kind === 'rust') c.fn(n)
      else if (c.kind === 'async') for (let k = 0; k < n; k++) await c.fn()
      else for (let k = 0; k < n; k++) c.fn()
      best[i] = Math.min(best[i], cpuSince(c0) / n)
    }
  }
  return Object.fromEntries(contenders.map((c, i) => [c.name, best[i]]))
}

function check(ok, what) {
  if (!ok) throw new Error(`benchmark sanity check failed: ${what}`)
}

const b64u = (buf) => Buffer.from(buf).toString('base64url')
function signHs256(body, secret = HMAC_SECRET) {
  const input = `${b64u(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64u(JSON.stringify(body))}`
  return `${input}.${b64u(crypto.createHmac('sha256', secret).update(input).digest())}`
}
const tokenFor = (alg, body) => (alg === 'HS256' ? signHs256(body) : sign(alg, body))

const now = Math.floor(Date.now() / 1000)
const tokenClaims = claims({ iat: now, nbf: now - 10, exp: now + 86400 })
const jwks = jwksFor()
const jwkSet = jose.createLocalJWKSet(jwks)
/** The validator configuration for `alg` (snake_case: the same object goes to Python). */
const configFor = (alg, extra = {}) =>
  alg === 'HS256'
    ? { issuer: ISSUER, audience: AUDIENCE, hmac_secret: HMAC_SECRET, algorithms: ['HS256'], ...extra }
    : { issuer: ISSUER, audience: AUDIENCE, jwks, ...extra }
const floorKey = (alg) => (alg === 'HS256' ? HMAC_SECRET : JSON.stringify(keyFor(alg).jwk))

/** node:crypto's raw verification of `token` (a pre-created KeyObject and pre-split input). */
function nodeCryptoFor(alg, token) {
  const dot = token.lastIndexOf('.')
  const data = Buffer.from(token.slice(0, dot))
  const sig = Buffer.from(token.slice(dot + 1), 'base64url')
  if (alg === 'HS256') {
    const key = crypto.createSecretKey(Buffer.from(HMAC_SECRET))
    return () => crypto.timingSafeEqual(crypto.createHmac('sha256', key).update(data).digest(), sig)
  }
  const key = keyFor(alg).publicKey
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

/** The call with its failure caught: what a service pays per refused token. */
const failing = (fn) => () => {
  try {
    fn()
  } catch (e) {
    return e
  }
  throw new Error('expected a failure')
}

// ---- Cases shared with Python --------------------------------------------------------------
const tokens = Object.fromEntries(BENCH_ALGS.map((alg) => [alg, tokenFor(alg, tokenClaims)]))
const tamper = (t) => t.slice(0, -4) + (t.endsWith('AAAA') ? 'BBBB' : 'AAAA')
const failures = [
  { name: 'HS256 wrong audience', alg: 'HS256', token: tokens.HS256, config: configFor('HS256', { audience: 'other' }), code: 'invalid_audience' },
  { name: 'HS256 bad signature', alg: 'HS256', token: tamper(tokens.HS256), config: configFor('HS256'), code: 'invalid_signature' },
  { name: 'HS256 expired', alg: 'HS256', token: tokenFor('HS256', claims({ iat: now - 7200, nbf: now - 7200, exp: now - 3600 })), config: configFor('HS256'), code: 'token_expired' },
  { name: 'RS256 bad signature', alg: 'RS256', token: tamper(tokens.RS256), config: configFor('RS256'), code: 'invalid_signature' },
  { name: 'RS256 wrong audience', alg: 'RS256', token: tokens.RS256, config: configFor('RS256', { audience: 'other' }), code: 'invalid_audience' },
]
const pythonCases = [
  ...BENCH_ALGS.map((alg) => ({ name: alg, config: configFor(alg), token: tokens[alg], ok: true })),
  ...failures.map((f) => ({ name: f.name, config: f.config, token: f.token, ok: false })),
]

function runPython() {
  const here = fileURLToPath(new URL('.', import.meta.url))
  const python = process.env.MESHAUTH_PYTHON ?? fileURLToPath(new URL('../../.venv/bin/python', import.meta.url))
  if (!existsSync(python)) return { error: `no Python interpreter at ${python} (make python-venv; make bench-python builds the release module)` }
  const run = spawnSync(python, [`${here}python_side.py`], {
    input: JSON.stringify({ rounds: ROUNDS, round_ms: ROUND_MS, cases: pythonCases }),
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  })
  if (run.status !== 0) return { error: `python_side.py failed: ${(run.stderr || '').trim().split('\n').pop()}` }
  return JSON.parse(run.stdout)
}

// ---- Measurements ----------------------------------------------------------------------------
const pythonBefore = runPython()

const rows = []
for (const alg of BENCH_ALGS) {
  const token = tokens[alg]
  const v = new Validator(configFor(alg))
  const nodeCrypto = nodeCryptoFor(alg, token)
  const fastKey = alg === 'HS256' ? HMAC_SECRET : keyFor(alg).publicKey.export({ type: 'spki', format: 'pem' })
  const fastOpts = { key: fastKey, algorithms: [alg], allowedIss: ISSUER, allowedAud: AUDIENCE }
  const fastNoCache = createVerifier({ ...fastOpts, cache: false })
  const fastCache = createVerifier({ ...fastOpts, cache: true })
  const joseKey = alg === 'HS256' ? new TextEncoder().encode(HMAC_SECRET) : jwkSet
  const joseOpts = { issuer: ISSUER, audience: AUDIENCE, algorithms: [alg] }

  // Every contender must accept the token before it is timed.
  check(nodeCrypto(), `${alg} node:crypto`)
  check(v.validateSync(token).subject === 'alice', `${alg} meshauth`)
  check((await v.validate(token)).subject === 'alice', `${alg} meshauth validate`)
  check(fastNoCache(token).sub === 'alice', `${alg} fast-jwt`)
  check((await jose.jwtVerify(token, joseKey, joseOpts)).payload.sub === 'alice', `${alg} jose`)

  const us = await race([
    { name: 'floor: aws-lc-rs verify (Rust loop)', kind: 'rust', fn: (n) => native.benchFloor(alg, token, floorKey(alg), n) },
    { name: 'meshauth core alone (Rust loop)', kind: 'rust', fn: (n) => native.benchCore(v, token, now, n) },
    { name: 'meshauth validateSync', kind: 'sync', fn: () => v.validateSync(token) },
    { name: 'meshauth await validate', kind: 'async', fn: () => v.validate(token) },
    { name: 'node:crypto verify (KeyObject)', kind: 'sync', fn: nodeCrypto },
    { name: 'fast-jwt (no cache)', kind: 'sync', fn: () => fastNoCache(token) },
    { name: 'fast-jwt (cache, repeated token)', kind: 'sync', fn: () => fastCache(token) },
    { name: alg === 'HS256' ? 'jose jwtVerify (secret)' : 'jose jwtVerify + createLocalJWKSet', kind: 'async', fn: () => jose.jwtVerify(token, joseKey, joseOpts) },
  ])
  rows.push({ alg, us })
}

// Failure paths: the throw caught, Node against Python on the same token and configuration.
const failureRows = []
{
  const contenders = []
  for (const f of failures) {
    const v = new Validator(f.config)
    check(failing(() => v.validateSync(f.token))().code === f.code, `${f.name}: ${f.code}`)
    await v.validate(f.token).then(() => check(false, f.name), (e) => check(e.code === f.code, `${f.name} rejects`))
    contenders.push(
      { name: `${f.name} | validateSync, caught`, kind: 'sync', fn: failing(() => v.validateSync(f.token)) },
      { name: `${f.name} | await validate, caught`, kind: 'async', fn: () => v.validate(f.token).catch((e) => e) },
    )
  }
  const us = await race(contenders)
  for (const f of failures) {
    failureRows.push({ name: f.name, sync: us[`${f.name} | validateSync, caught`], async: us[`${f.name} | await validate, caught`] })
  }
}

// Per-call accounting on the HS256 token (signature ≈ 1 µs, so the binding's share shows).
const parts = {}
{
  const token = tokens.HS256
  const v = new Validator(configFor('HS256'))
  const vBad = new Validator(configFor('HS256', { audience: 'other' }))
  const withNow = { now }
  check(native.benchValidateNoJs(v, token) === true && native.benchValidateNoJs(vBad, token) === false, 'benchValidateNoJs')
  const us = await race([
    { name: 'noop', kind: 'sync', fn: () => native.benchNoop(token) },
    { name: 'string', kind: 'sync', fn: () => native.benchString(token) },
    { name: 'core', kind: 'rust', fn: (n) => native.benchCore(v, token, now, n) },
    { name: 'noJs', kind: 'sync', fn: () => native.benchValidateNoJs(v, token) },
    { name: 'noJsFail', kind: 'sync', fn: () => native.benchValidateNoJs(vBad, token) },
    { name: 'sync', kind: 'sync', fn: () => v.validateSync(token) },
    { name: 'syncNow', kind: 'sync', fn: () => v.validateSync(token, withNow) },
    { name: 'async', kind: 'async', fn: () => v.validate(token) },
    { name: 'fail', kind: 'sync', fn: failing(() => vBad.validateSync(token)) },
    { name: 'jsError', kind: 'sync', fn: failing(() => { throw new Error('x') }) },
    { name: 'jsAwait', kind: 'async', fn: () => Promise.resolve(1) },
  ])
  const [guardUs, clockUs] = native.benchGuardAndClock(1_000_000)
  Object.assign(parts, us, { guard: guardUs, clock: clockUs })
}

// The Principal's shape (RS256): the lazy class against building JS objects.
const shapeRows = []
{
  const token = tokens.RS256
  const v = new Validator(configFor('RS256'))
  const p = v.validateSync(token)
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
  const pBig = v.validateSync(sign('RS256', bigText))
  check(pBig.claims.id === 9007199254740993n, 'BigInt claims')
  const us = await race([
    { name: 'validateSync → Principal', kind: 'sync', fn: () => v.validateSync(token) },
    { name: '  + read subject, scopes, clientId', kind: 'sync', fn: () => { const q = v.validateSync(token); return q.subject + q.scopes.length + q.clientId } },
    { name: '  + p.claims', kind: 'sync', fn: () => v.validateSync(token).claims },
    { name: '  + p.toJSON()', kind: 'sync', fn: () => v.validateSync(token).toJSON() },
    { name: 'p.subject (one getter)', kind: 'sync', fn: () => p.subject },
    { name: 'p.claims, 10 claims (V8 JSON.parse path: no 16+ digit integer)', kind: 'sync', fn: () => p.claims },
    { name: 'p.claims, 11 claims with one > 2^53 (BigInt-aware builder in Rust)', kind: 'sync', fn: () => pBig.claims },
    { name: 'JSON.parse(p.claimsJson) in JS', kind: 'sync', fn: () => JSON.parse(p.claimsJson) },
    { name: 'p.toJSON(): every field + claims as one plain JS object', kind: 'sync', fn: () => p.toJSON() },
    { name: 'authenticateSync({ headers: req.headers }), 9 headers', kind: 'sync', fn: () => v.authenticateSync({ headers }) },
    { name: 'authenticateSync({ headers: req.rawHeaders }), 9 headers', kind: 'sync', fn: () => v.authenticateSync({ headers: raw }) },
  ])
  for (const [name, t] of Object.entries(us)) shapeRows.push([name, t])
}

const pythonAfter = runPython()

// ---- Report ----------------------------------------------------------------------------------
const py = {}
for (const run of [pythonBefore, pythonAfter]) {
  for (const [name, t] of Object.entries(run.us ?? {})) py[name] = Math.min(py[name] ?? Infinity, t)
}
const pyNote = pythonBefore.error ?? pythonAfter.error
const fmt = (x, d = 2) => (x == null || !Number.isFinite(x) ? 'n/a' : x.toFixed(d))
const signed = (x) => (x == null || !Number.isFinite(x) ? 'n/a' : `${x >= 0 ? '+' : ''}${x.toFixed(2)}`)
const FLOOR = 'floor: aws-lc-rs verify (Rust loop)'
const SYNC = 'meshauth validateSync'
const ASYNC = 'meshauth await validate'

console.log(`meshauth Node benchmark — node ${process.version}, ${process.platform}/${process.arch}; CPU time, best of ${ROUNDS} interleaved rounds of ≈ ${ROUND_MS} ms`)
console.log(`Python column: ${pyNote ? `unavailable (${pyNote})` : `meshauth ${pythonBefore.meshauth} (Python), same tokens and configuration, best of two runs around the Node measurements`}`)
console.log('CPU µs/op; ×floor and −floor: against the raw aws-lc-rs verification of the same token in this run; ×meshauth: time / validateSync\n')
console.log('| alg | implementation | µs/op | ×floor | −floor µs | ×meshauth |')
console.log('|---|---|---:|---:|---:|---:|')
for (const { alg, us } of rows) {
  const floor = us[FLOOR]
  const mesh = us[SYNC]
  const all = Object.entries(us)
  all.splice(4, 0, ['Python meshauth validate', py[alg]])
  for (const [name, t] of all) {
    console.log(`| ${alg} | ${name} | ${fmt(t)} | ${fmt(t / floor)} | ${signed(t - floor)} | ${fmt(t / mesh)} |`)
  }
}

console.log('\nTargets (issue 17; reported, never enforced):')
console.log('| alg | validateSync − Python validate (≤ 2) | await validate − validateSync (≤ 2) | Node − floor (≤ 10) | Python − floor | core − floor |')
console.log('|---|---:|---:|---:|---:|---:|')
for (const { alg, us } of rows) {
  const floor = us[FLOOR]
  console.log(`| ${alg} | ${signed(us[SYNC] - py[alg])} | ${signed(us[ASYNC] - us[SYNC])} | ${signed(us[SYNC] - floor)} | ${signed(py[alg] - floor)} | ${signed(us['meshauth core alone (Rust loop)'] - floor)} |`)
}
const hs = rows.find((r) => r.alg === 'HS256').us
console.log(`HS256 validateSync, everything included (≤ 5): ${fmt(hs[SYNC])} µs`)

console.log('\nFailure paths, error caught (µs/op; target: Node − Python ≤ 3):')
console.log('| case | Node validateSync | Node await validate | Python validate | Node sync − Python |')
console.log('|---|---:|---:|---:|---:|')
for (const f of failureRows) console.log(`| ${f.name} | ${fmt(f.sync)} | ${fmt(f.async)} | ${fmt(py[f.name])} | ${signed(f.sync - py[f.name])} |`)

const p = parts
console.log('\nPer-call accounting, HS256 token (µs; each part isolated by a bench-only export, see src/bench.rs):')
console.log('| part | µs |')
console.log('|---|---:|')
for (const [name, t] of [
  ['the napi call itself (a no-op export taking the token)', p.noop],
  ['token string conversion (benchString − no-op)', p.string - p.noop],
  ['panic guard (catch_unwind, Rust loop)', p.guard],
  ['clock read (Rust loop)', p.clock],
  ['the core pipeline alone (Rust loop: decode, HMAC, claims, core Principal built and dropped)', p.core],
  ['validateSync without a JS answer (call + string + guard + clock + core; benchValidateNoJs)', p.noJs],
  ['Principal instance: object, wrap, type tag, deferred finalizer and free (validateSync − no-JS)', p.sync - p.noJs],
  ['error object + throw + catch (failing validateSync − failing no-JS)', p.fail - p.noJsFail],
  ['  for scale: new Error + throw + catch in JS', p.jsError],
  ['Promise: await validate − validateSync', p.async - p.sync],
  ['  for scale: await Promise.resolve() in JS', p.jsAwait],
  ['options object { now } (validateSync(token, { now }) − validateSync(token))', p.syncNow - p.sync],
  ['validateSync total', p.sync],
  ['Python validate total, same token (for comparison)', py.HS256],
]) console.log(`| ${name} | ${fmt(t)} |`)

console.log('\nPrincipal shape and request conversion (RS256), µs/op:')
console.log('| what | µs/op |')
console.log('|---|---:|')
for (const [name, t] of shapeRows) console.log(`| ${name} | ${fmt(t)} |`)

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
  for (const r of rows) results[r.alg] = { ...r.us }
  const doc = {
    language: 'Node',
    runtime: `node ${process.version}`,
    versions: {
      meshauth: JSON.parse(readFileSync(new URL('../package.json', import.meta.url))).version,
      jose: pkgVersion('jose'),
      jsonwebtoken: pkgVersion('jsonwebtoken'),
      'fast-jwt': pkgVersion('fast-jwt'),
    },
    floor: FLOOR,
    meshauth: SYNC,
    results,
  }
  writeFileSync(process.argv[jsonAt + 1], JSON.stringify(doc, null, 2))
}
