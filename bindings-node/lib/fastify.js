'use strict'
// Fastify (4 and 5): a plugin that authenticates every request of the instance it is registered
// on, and a hook for single routes.
//
//   const { meshauthPlugin, meshauthHook } = require('meshauth/fastify')
//   await app.register(meshauthPlugin, { config: { issuer, audience: 'orders', discovery: true } })
//   // or per route: app.get('/orders', { onRequest: meshauthHook(validator) }, handler)
//
// Success: `request.auth` is the `Principal`. Failure: the catalogue's status, `WWW-Authenticate`
// header and `{"error": code, "error_description": <the catalogue's description>}`.

const { Validator } = require('../loader.js')
const { isHttpAuthError, errorBody, errorHeaders, requestOf } = require('./response.js')

function toValidator(validator) {
  return validator instanceof Validator ? validator : new Validator(validator)
}

/**
 * An `onRequest` hook authenticating the request.
 * @param {import('../index').Validator | import('../index').ValidatorOptions} validator
 * @param {{ property?: string, scopes?: string[] }} [options] `scopes`: the Principal must carry
 *   every one (the core's `requireScopes`: 403 `insufficient_scope` otherwise)
 */
function meshauthHook(validator, options = {}) {
  const v = toValidator(validator)
  const property = options.property ?? 'auth'
  const scopes = options.scopes ?? []
  return async function meshauthOnRequest(request, reply) {
    try {
      const principal = await v.authenticate(requestOf(request.raw))
      if (scopes.length > 0) principal.requireScopes(scopes)
      request[property] = principal
    } catch (err) {
      if (!isHttpAuthError(err)) throw err
      reply.code(err.status).headers(errorHeaders(err))
      return reply.send(errorBody(err))
    }
  }
}

/**
 * Plugin options: `validator` (a Validator) or `config` (its options), and `property`.
 * Registered without encapsulation, so it covers the routes of the instance it is registered on.
 */
function meshauthPlugin(fastify, options, done) {
  const property = options.property ?? 'auth'
  if (options.validator == null && options.config == null) {
    return done(new TypeError('meshauth/fastify: pass { validator } or { config }'))
  }
  let hook
  try {
    hook = meshauthHook(options.validator ?? options.config, { property, scopes: options.scopes })
  } catch (err) {
    return done(err)
  }
  if (!fastify.hasRequestDecorator(property)) fastify.decorateRequest(property, null)
  fastify.addHook('onRequest', hook)
  done()
}
meshauthPlugin[Symbol.for('skip-override')] = true
meshauthPlugin[Symbol.for('fastify.display-name')] = 'meshauth'
meshauthPlugin[Symbol.for('plugin-meta')] = { name: 'meshauth', fastify: '>=4' }

module.exports = { meshauthPlugin, meshauthHook, default: meshauthPlugin }
