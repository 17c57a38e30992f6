// Key rotation under concurrency, through the Node binding: right after the development issuer
// rotates its keys, Promises validating a new-key token all resolve, the issuer sees one JWKS
// request, and the event loop keeps running while the refetch is in flight. The JWKS is reached
// through a counting proxy served by this very process (it only answers because the fetch and
// the wait for it run off the event loop), which also makes the fetch slow enough for every
// caller to arrive while it is in flight.
import test, { after, before } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { Validator } = require('meshauth')
const { startDevIssuer } = require('meshauth/testing')

const CALLERS = 16

let issuer
let proxy
let requests = 0
let delayMs = 0
before(async () => {
  issuer = await startDevIssuer()
  proxy = http.createServer(async (req, res) => {
    requests++
    await sleep(delayMs)
    const upstream = await fetch(issuer.jwksUrl)
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(await upstream.text())
  })
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve))
})
after(async () => {
  await new Promise((resolve) => proxy?.close(resolve))
  await issuer?.stop()
})

const jwksUrl = () => `http://127.0.0.1:${proxy.address().port}/jwks`

test('after a rotation, concurrent Promises share one refetch and all resolve', async () => {
  const v = new Validator({ issuer: issuer.issuer, audience: 'orders', jwksUrl: jwksUrl(), jwksRefreshCooldownS: 1 })
  await v.refresh()
  assert.equal((await v.validate(await issuer.mint({ sub: 'alice', aud: 'orders' }))).subject, 'alice')
  // Let the cooldown of the warm-up fetch pass, then rotate (the old keys stay published).
  await sleep(1100)
  await issuer.rotate()
  const token = await issuer.mint({ sub: 'bob', aud: 'orders' })
  delayMs = 300
  const before = requests
  let ticks = 0
  const ticker = setInterval(() => ticks++, 10)
  try {
    const outcomes = await Promise.allSettled(Array.from({ length: CALLERS }, () => v.validate(token)))
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'fulfilled' ? o.value.subject : o.reason.code)),
      Array(CALLERS).fill('bob'),
    )
  } finally {
    clearInterval(ticker)
    delayMs = 0
  }
  assert.equal(requests - before, 1, 'one JWKS request for all the callers')
  // The JWKS answered after 300 ms: the event loop ran meanwhile.
  assert.ok(ticks > 0, 'the event loop was blocked')
  // Now answered from the cache, synchronously.
  assert.equal(v.validateSync(token).subject, 'bob')
  assert.equal(requests - before, 1)
})

test('inside the cooldown an unknown kid is refused at once, without a request', async () => {
  const v = new Validator({ issuer: issuer.issuer, audience: 'orders', jwksUrl: jwksUrl() }) // cooldown 30 s
  await v.refresh()
  await issuer.rotate()
  const token = await issuer.mint({ sub: 'carol', aud: 'orders' })
  const before = requests
  const outcomes = await Promise.allSettled(Array.from({ length: CALLERS }, () => v.validate(token)))
  assert.deepEqual(
    outcomes.map((o) => o.reason?.code),
    Array(CALLERS).fill('key_not_found'),
  )
  assert.throws(() => v.validateSync(token), { code: 'key_not_found' })
  assert.equal(requests, before)
})
