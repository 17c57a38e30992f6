'use strict'
// Which napi-rs platform package this process needs (`meshauth-<platform>`, e.g.
// `meshauth-linux-x64-gnu`) and which ones this release publishes (the `optionalDependencies` of
// package.json). Used by the loader's error and by `meshauth/testing` to find the bundled issuer.

const fs = require('node:fs')
const path = require('node:path')

function isMusl() {
  if (process.platform !== 'linux') return false
  try {
    return fs.readFileSync('/usr/bin/ldd', 'utf-8').includes('musl')
  } catch {
    const report = process.report && typeof process.report.getReport === 'function' ? process.report.getReport() : null
    return !(report && report.header && report.header.glibcVersionRuntime)
  }
}

/** This process's platform in napi-rs naming: `linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`, … */
function platformId() {
  const base = `${process.platform}-${process.arch}`
  if (process.platform === 'linux') return `${base}-${isMusl() ? 'musl' : process.arch === 'arm' ? 'gnueabihf' : 'gnu'}`
  if (process.platform === 'win32') return `${base}-msvc`
  return base
}

/** The platforms this release publishes a binary package for. */
function supportedPlatforms() {
  let pkg = {}
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'))
  } catch {
    // unreadable: nothing listed
  }
  return Object.keys(pkg.optionalDependencies ?? {})
    .filter((name) => name.startsWith('meshauth-'))
    .map((name) => name.slice('meshauth-'.length))
    .sort()
}

/** The directory of this platform's package (`meshauth-<platform>`), or null when not installed. */
function platformPackageDir() {
  try {
    return path.dirname(require.resolve(`meshauth-${platformId()}/package.json`))
  } catch {
    return null
  }
}

module.exports = { platformId, supportedPlatforms, platformPackageDir }
