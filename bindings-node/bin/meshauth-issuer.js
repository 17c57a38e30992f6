#!/usr/bin/env node
'use strict'
// `npx meshauth-issuer [--port 8400] ...`: the development issuer on its own (for demos and other
// languages' tests; never for production). Arguments are meshauth-issuer's (`--help`).

const { spawn } = require('node:child_process')
const { issuerBinary } = require('../lib/testing.js')

let bin
try {
  bin = issuerBinary({ build: false })
} catch (e) {
  console.error(`meshauth-issuer: ${e.message}`)
  process.exit(2)
}
const child = spawn(bin, process.argv.slice(2), { stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
child.on('error', (e) => {
  console.error(`meshauth-issuer: cannot start ${bin}: ${e.message}`)
  process.exit(2)
})
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)))
