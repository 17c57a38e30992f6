'use strict'
// Fastify (4 and 5): a plugin that authenticates every request of the instance it is registered
// on, and a hook for single routes.
//
//   const { meshauthPlugin, meshauthHook } = require('meshauth/fastify')
//   await app.register(meshauthPlugin, { config: { issuer, audience: 'orders', discovery: true } })
//   // or per route: app.get('/orders', { onRequest: meshauthHook(validator) }, handler)
//
//   // per route, with callers: { onRequest: meshauthHook(validator, { scopes: ['orders:write'], clients: ['checkout'] }) }
//
// Success: `request.auth` is the `Principal`. Failure: the catalogue's status, `WWW-Authenticate`
// header and `{"error": code, "error_description": <the catalogue's description>}`. `clients`: the
// calling client must be one of them (the core's `requireClients`, the validator's
// `allowedClients` decision: 403 `caller_not_allowed`). A meshauth error thrown in a handler
// (`throw createError('caller_not_allowed')`, `request.auth.requireScopes([...])`) answers the
// same way: the plugin installs `meshauthErrorHandler` as the instance's error handler (other
// errors go to Fastify's default handler); with the hook alone, call
// `app.setErrorHandler(meshauthErrorHandler)`.

const { Validator } = require('../loader.js')
const { isHttpAuthError, errorBody, errorHeaders, requestOf, routeCheck } = require('./response.js')

function toValidator(validator) {
  return validator instanceof Validator ? validator : new Validator(validator)
}

/**
 * An `onRequest` hook authenticating the request.
 * @param {import('../index').Validator | import('../index').ValidatorOptions} validator
 * @param {{ property?: string, scopes?: string[], clients?: string[] }} [options] `scopes`: the
 *   Principal must carry every one (the core's `requireScopes`: 403 `insufficient_scope`
 *   otherwise); `clients`: the calling client must be one of them (403 `caller_not_allowed`)
 */
function meshauthHook(validator, options = {}) {
  const v = toValidator(validator)
  const property = options.property ?? 'auth'
  const check = routeCheck(options)
  return async function meshauthOnRequest(request, reply) {
    try {
      request[property] = check(await v.authenticate(requestOf(request.raw)))
    } catch (err) {
      if (!isHttpAuthError(err)) throw err
      return answer(reply, err)
    }
  }
}

function answer(reply, err) {
  reply.code(err.status).headers(errorHeaders(err))
  return reply.send(errorBody(err))
}

/**
 * A Fastify error handler: a meshauth error thrown in a handler or hook answers like a refused
 * token; any other error goes to Fastify's default error handler.
 */
function meshauthErrorHandler(err, request, reply) {
  if (isHttpAuthError(err)) return answer(reply, err)
  return defaultHandler(this).call(this, err, request, reply)
}

function defaultHandler(instance) {
  return instance && typeof instance.errorHandler === 'function' && instance.errorHandler !== meshauthErrorHandler
    ? instance.errorHandler
    : (err, request, reply) => reply.send(err)
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
    hook = meshauthHook(options.validator ?? options.config, { property, scopes: options.scopes, clients: options.clients })
  } catch (err) {
    return done(err)
  }
  if (!fastify.hasRequestDecorator(property)) fastify.decorateRequest(property, null)
  fastify.addHook('onRequest', hook)
  fastify.setErrorHandler(meshauthErrorHandler)
  done()
}
meshauthPlugin[Symbol.for('skip-override')] = true
meshauthPlugin[Symbol.for('fastify.display-name')] = 'meshauth'
meshauthPlugin[Symbol.for('plugin-meta')] = { name: 'meshauth', fastify: '>=4' }

module.exports = { meshauthPlugin, meshauthHook, meshauthErrorHandler, default: meshauthPlugin }
