// The demo service examples/node/billing.js, run as users run it (`node examples/node/billing.js`
// with MESHAUTH_ISSUER and PORT) against the development issuer: one accepted call, refused ones.
import test, { after, before } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import path from 'node:path'
import readline from 'node:readline'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { TokenClient } = require('meshauth')
const { startDevIssuer } = require('meshauth/testing')

const here = path.dirname(new URL(import.meta.url).pathname)
const BILLING = path.join(here, '..', '..', 'examples', 'node', 'billing.js')

let issuer
let billing
let base
before(async () => {
  issuer = await startDevIssuer()
  billing = spawn(process.execPath, [BILLING], {
    env: { ...process.env, MESHAUTH_ISSUER: issuer.issuer, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('billing did not start in 30 s')), 30000)
    billing.once('exit', (code) => reject(new Error(`billing exited (${code}) before listening`)))
    readline.createInterface({ input: billing.stdout }).once('line', (l) => {
      clearTimeout(timer)
      resolve(l)
    })
  })
  const m = /^billing listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line)
  assert.ok(m, `first line: ${line}`)
  base = m[1]
})
after(async () => {
  if (billing && billing.exitCode == null) {
    await new Promise((resolve) => {
      billing.once('exit', resolve)
      billing.kill('SIGTERM')
    })
  }
  await issuer?.stop()
})

test('billing accepts a client token meant for billing', async () => {
  const reporting = new TokenClient({ issuer: issuer.issuer, clientId: 'reporting', clientSecret: 'reporting-dev-secret' })
  const token = await reporting.clientCredentials({ audience: 'billing' })
  const res = await fetch(`${base}/invoices`, { headers: { authorization: token.authorizationHeader() } })
  assert.equal(res.status, 200)
  assert.deepEqual(await res.json(), {
    service: 'billing',
    caller: { subject: 'reporting', client_id: 'reporting', is_client: true, scopes: ['billing:read'] },
  })
})

test('billing refuses a token meant for another service, and a call without a token', async () => {
  const user = await issuer.mint({ sub: 'alice', aud: ['orders', 'inventory'] })
  let res = await fetch(`${base}/invoices`, { headers: { authorization: `Bearer ${user}` } })
  assert.equal(res.status, 401)
  assert.match(res.headers.get('www-authenticate'), /^Bearer error="invalid_token", error_description="/)
  let body = await res.json()
  assert.equal(body.error, 'invalid_audience')
  assert.equal(typeof body.error_description, 'string')

  res = await fetch(`${base}/invoices`)
  assert.equal(res.status, 401)
  assert.equal(res.headers.get('www-authenticate'), 'Bearer')
  body = await res.json()
  assert.equal(body.error, 'no_credentials')
})
