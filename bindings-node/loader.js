'use strict'
// The package entry point. `index.js` is napi-rs's generated loader (committed, drift-checked); it
// loads `meshauth.<platform>.node` from this directory (a checkout's build) or from the platform
// package `meshauth-<platform>` that npm installs through `optionalDependencies`. When neither is
// there, the error names this platform's package and the platforms this release supports, instead
// of a bare dlopen/require failure.

const { platformId, supportedPlatforms } = require('./lib/platform.js')

function missingBinding(cause) {
  const platform = platformId()
  const supported = supportedPlatforms()
  const error = new Error(
    `meshauth has no native binary for this platform (${platform}): the package meshauth-${platform} ` +
      (supported.includes(platform)
        ? 'is not installed or does not load (reinstall without --no-optional / --omit=optional; see the cause)'
        : 'does not exist') +
      `. Supported platforms: ${supported.length ? supported.join(', ') : 'none in this build (build from a checkout: npm run build)'}.`,
  )
  error.code = 'MESHAUTH_NO_NATIVE_BINDING'
  error.cause = cause
  return error
}

try {
  module.exports = require('./index.js')
} catch (cause) {
  if (cause && /Cannot find native binding|Failed to load native binding/.test(String(cause.message))) {
    throw missingBinding(cause)
  }
  throw cause
}
