#!/usr/bin/env node
'use strict'
// `npx meshauth inspect|verify|token|exchange|issuer ...`: the meshauth command (docs/cli.md).
// The executable is $MESHAUTH_CLI_BIN, else the one the platform package carries, else a build of
// the checkout this package runs from (target/debug/meshauth). Arguments, stdin and the terminal
// are passed through unchanged.

const fs = require('node:fs')
const path = require('node:path')
const { spawn } = require('node:child_process')
const { platformId, platformPackageDir } = require('../lib/platform.js')

const EXE = process.platform === 'win32' ? 'meshauth.exe' : 'meshauth'

function repoRoot() {
  let dir = path.resolve(__dirname)
  for (;;) {
    if (fs.existsSync(path.join(dir, 'cli', 'Cargo.toml')) && fs.existsSync(path.join(dir, 'Cargo.toml'))) return dir
    const parent = path.dirname(dir)
    if (parent === dir) return null
    dir = parent
  }
}

function commandBinary() {
  const fromEnv = process.env.MESHAUTH_CLI_BIN
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`MESHAUTH_CLI_BIN=${fromEnv} does not exist`)
    return fromEnv
  }
  const platformDir = platformPackageDir()
  if (platformDir != null && fs.existsSync(path.join(platformDir, EXE))) return path.join(platformDir, EXE)
  const root = repoRoot()
  if (root != null) {
    const bin = path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, 'target'), 'debug', EXE)
    if (fs.existsSync(bin)) return bin
    throw new Error(`${bin} does not exist (cargo build -p meshauth-cli)`)
  }
  throw new Error(
    `the meshauth command comes with the platform package meshauth-${platformId()}, which is not installed; ` +
      'set MESHAUTH_CLI_BIN, or `cargo install --path cli` from the meshauth repository',
  )
}

let bin
try {
  bin = commandBinary()
} catch (e) {
  console.error(`meshauth: ${e.message}`)
  process.exit(1)
}
const child = spawn(bin, process.argv.slice(2), { stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
child.on('error', (e) => {
  console.error(`meshauth: cannot start ${bin}: ${e.message}`)
  process.exit(1)
})
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)))
