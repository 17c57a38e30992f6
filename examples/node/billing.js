'use strict'
// billing: a service whose callers are authenticated by meshauth.
//
//   make test-node                       # builds the native module (bindings-node/)
//   make issuer                          # the development issuer on http://127.0.0.1:8400
//   MESHAUTH_ISSUER=http://127.0.0.1:8400 PORT=8402 node examples/node/billing.js
//
// In your own service these two lines are `require('express')` and `require('meshauth/express')`;
// here both resolve from the bindings-node/ checkout.
const { createRequire } = require('node:module')
const fromBinding = createRequire(require.resolve('../../bindings-node/package.json'))
const express = fromBinding('express')
const { Validator } = fromBinding('meshauth')
const { meshauth } = fromBinding('meshauth/express')

const issuer = process.env.MESHAUTH_ISSUER
const port = Number(process.env.PORT ?? 8402)
if (!issuer) {
  console.error('set MESHAUTH_ISSUER to the issuer URL, e.g. http://127.0.0.1:8400')
  process.exit(2)
}

// Tokens must come from `issuer` and name `billing` in their `aud`; keys are found by discovery.
const validator = new Validator({ issuer, audience: 'billing', discovery: true })

const app = express()
// Every route below needs a valid token. A refused call gets the catalogue's status,
// WWW-Authenticate header and {"error": code, "error_description": ...}.
app.use(meshauth(validator))

app.get('/invoices', (req, res) => {
  const caller = req.auth // the Principal
  res.json({
    service: 'billing',
    caller: { subject: caller.subject, client_id: caller.clientId, is_client: caller.isClient, scopes: caller.scopes },
  })
})

async function main() {
  // Fetch the issuer's keys before taking traffic. If the issuer is unreachable, calls answer
  // 503 key_source_unavailable until a later fetch (at most one per 30 s) succeeds.
  await validator.refresh().catch((err) => console.error(`billing: keys not fetched yet: ${err.message}`))
  const server = app.listen(port, '127.0.0.1', () => {
    console.log(`billing listening on http://127.0.0.1:${server.address().port}`)
  })
}

main()
