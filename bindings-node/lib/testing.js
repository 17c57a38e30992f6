'use strict'
// Test helpers: the development issuer (`meshauth-issuer`) as a subprocess on a free loopback port.
//
//   const { startDevIssuer } = require('meshauth/testing')
//   const issuer = await startDevIssuer()
//   const token = await issuer.mint({ sub: 'alice', aud: 'orders' })
//   const v = new Validator({ issuer: issuer.issuer, audience: 'orders', discovery: true })
//   await v.validate(token)
//   await issuer.stop()
//
// The binary is `$MESHAUTH_ISSUER_BIN` if set, else the one the platform package carries
// (`meshauth-linux-x64-gnu/meshauth-issuer`, installed with `meshauth`), else, in a checkout of the
// meshauth repository, `<repo>/target/debug/meshauth-issuer`, built with
// `cargo build -p meshauth-issuer` when missing. `npx meshauth-issuer` runs it on its own.
// Talks to it with the global `fetch`.
// It runs with `--dev-endpoints` (mint, rotate): a development tool on loopback, never a
// production server.

const { spawn, execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const readline = require('node:readline')

const { platformId, supportedPlatforms, platformPackageDir } = require('./platform.js')

const LISTENING = /listening on (http:\/\/\S+)/
const EXE = process.platform === 'win32' ? 'meshauth-issuer.exe' : 'meshauth-issuer'

class DevIssuerError extends Error {
  constructor(message, status = null, body = null) {
    super(message)
    this.name = 'DevIssuerError'
    this.status = status
    this.body = body
  }
}

/** The meshauth checkout this package runs from (a path with issuer/Cargo.toml), if any. */
function repoRoot() {
  for (const start of [__dirname, process.cwd()]) {
    let dir = path.resolve(start)
    for (;;) {
      if (fs.existsSync(path.join(dir, 'issuer', 'Cargo.toml')) && fs.existsSync(path.join(dir, 'Cargo.toml'))) {
        return dir
      }
      const parent = path.dirname(dir)
      if (parent === dir) break
      dir = parent
    }
  }
  return null
}

/** Path of the `meshauth-issuer` binary, building it with cargo when missing (and `build`). */
function issuerBinary({ build = true } = {}) {
  const fromEnv = process.env.MESHAUTH_ISSUER_BIN
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new DevIssuerError(`MESHAUTH_ISSUER_BIN=${fromEnv} does not exist`)
    return fromEnv
  }
  const platformDir = platformPackageDir()
  if (platformDir != null && fs.existsSync(path.join(platformDir, EXE))) return path.join(platformDir, EXE)
  const root = repoRoot()
  if (root == null) {
    const supported = supportedPlatforms()
    throw new DevIssuerError(
      `meshauth-issuer not found: it comes with the platform package meshauth-${platformId()}, which is not installed ` +
        `(supported platforms: ${supported.length ? supported.join(', ') : 'none in this build'}); ` +
        'set MESHAUTH_ISSUER_BIN or run inside the meshauth repository',
    )
  }
  const target = process.env.CARGO_TARGET_DIR ?? path.join(root, 'target')
  const bin = path.join(target, 'debug', EXE)
  if (!fs.existsSync(bin)) {
    if (!build) throw new DevIssuerError(`${bin} does not exist (cargo build -p meshauth-issuer)`)
    execFileSync('cargo', ['build', '-q', '-p', 'meshauth-issuer', '--bin', 'meshauth-issuer'], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    })
  }
  return bin
}

/**
 * Start the development issuer. Resolves once it listens.
 * @param {{ bin?: string, args?: string[], timeoutMs?: number }} [options]
 */
async function startDevIssuer(options = {}) {
  const bin = options.bin ?? issuerBinary()
  const timeoutMs = options.timeoutMs ?? 30000
  const child = spawn(bin, ['--port', '0', '--dev-endpoints', ...(options.args ?? [])], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000)
  })
  const lines = readline.createInterface({ input: child.stdout })
  let url
  try {
    url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new DevIssuerError(`meshauth-issuer did not start in ${timeoutMs} ms`)), timeoutMs)
      child.once('error', (e) => {
        clearTimeout(timer)
        reject(new DevIssuerError(`cannot start ${bin}: ${e.message}`))
      })
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new DevIssuerError(`meshauth-issuer exited (${code}) before listening; stderr: ${stderr.trim()}`))
      })
      lines.once('line', (line) => {
        clearTimeout(timer)
        const m = LISTENING.exec(line)
        if (m) resolve(m[1].replace(/\/$/, ''))
        else reject(new DevIssuerError(`meshauth-issuer did not report its address (first line ${JSON.stringify(line)})`))
      })
    })
  } catch (e) {
    child.kill()
    throw e
  }
  // Keep draining stdout so a chatty issuer never blocks on a full pipe.
  lines.on('line', () => {})
  const issuer = new DevIssuer(child, url)
  try {
    const metadata = await issuer.metadata()
    if (typeof metadata?.issuer === 'string') issuer.issuer = metadata.issuer
  } catch (e) {
    await issuer.stop()
    throw e
  }
  return issuer
}

class DevIssuer {
  constructor(child, url) {
    this._child = child
    /** Base URL, e.g. `http://127.0.0.1:41234`. */
    this.url = url
    this._metadata = null
    /** The `iss` of the tokens it issues (from its discovery document). */
    this.issuer = url
  }

  /** Its OpenID discovery document. */
  async metadata() {
    this._metadata ??= await this._request('GET', '/.well-known/openid-configuration')
    return this._metadata
  }

  get jwksUrl() {
    return `${this.url}/jwks`
  }

  get tokenUrl() {
    return `${this.url}/token`
  }

  /** The current JWK Set. */
  jwks() {
    return this._request('GET', '/jwks')
  }

  /**
   * Mint a token signed by its current key (`POST /dev/mint`).
   * @param {object} claims
   * @param {{ alg?: 'RS256'|'ES256'|'EdDSA', header?: object, ttlS?: number, ttl_s?: number, tamper?: 'signature'|null }} [opts]
   */
  async mint(claims, opts = {}) {
    const body = { claims, alg: opts.alg ?? 'RS256' }
    if (opts.header != null) body.header = opts.header
    const ttl = opts.ttlS ?? opts.ttl_s
    if (ttl != null) body.ttl_s = ttl
    if (opts.tamper != null) body.tamper = opts.tamper
    return (await this._request('POST', '/dev/mint', { json: body })).token
  }

  /** Rotate its signing keys (`POST /dev/rotate`); resolves to the published key ids. */
  async rotate({ retire = false } = {}) {
    return (await this._request('POST', '/dev/rotate', { json: { retire } })).kids
  }

  /**
   * The token response of a `client_credentials` grant (`client_secret_basic`).
   * @param {string} clientId
   * @param {string} secret
   * @param {{ audience?: string, scope?: string }} [opts]
   */
  clientCredentials(clientId, secret, opts = {}) {
    const form = new URLSearchParams({ grant_type: 'client_credentials' })
    if (opts.audience != null) form.set('audience', opts.audience)
    if (opts.scope != null) form.set('scope', opts.scope)
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')
    return this._request('POST', '/token', { form, headers: { authorization: `Basic ${basic}` } })
  }

  /** Stop the process (idempotent). */
  async stop() {
    const child = this._child
    if (child.exitCode != null || child.signalCode != null) return
    await new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000)
      child.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
      child.kill('SIGTERM')
    })
  }

  async _request(method, pathOrUrl, { json, form, headers } = {}) {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : this.url + pathOrUrl
    const init = { method, headers: { accept: 'application/json', ...headers } }
    if (json !== undefined) {
      init.body = JSON.stringify(json)
      init.headers['content-type'] = 'application/json'
    } else if (form !== undefined) {
      init.body = form.toString()
      init.headers['content-type'] = 'application/x-www-form-urlencoded'
    }
    const res = await fetch(url, init)
    const text = await res.text()
    let body
    try {
      body = text ? JSON.parse(text) : null
    } catch {
      body = text
    }
    if (!res.ok) throw new DevIssuerError(`${method} ${url}: HTTP ${res.status}: ${text.slice(0, 500)}`, res.status, body)
    return body
  }
}

module.exports = { startDevIssuer, issuerBinary, DevIssuer, DevIssuerError }
