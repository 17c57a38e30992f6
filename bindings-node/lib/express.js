'use strict'
// Express (4 and 5) middleware: authenticates every request it sees.
//
//   const { meshauth } = require('meshauth/express')
//   app.use(meshauth({ issuer, audience: 'orders', discovery: true }))
//   app.get('/orders', (req, res) => res.json({ caller: req.auth.subject }))
//
//   app.get('/admin', meshauth(validator, { scopes: ['orders:admin'] }), handler)  // per route
//   app.post('/orders', meshauth(validator, { scopes: ['orders:write'], clients: ['checkout'] }), handler)
//   app.use(meshauthErrorHandler())  // after the routes: errors thrown in handlers
//
// Success: `req.auth` (or `req[property]`) is the `Principal`; with `scopes`, the Principal must
// carry every one (the core's `requireScopes`: 403 `insufficient_scope` otherwise); with `clients`,
// the calling client must be one of them (the core's `requireClients`, the validator's
// `allowedClients` decision: 403 `caller_not_allowed` otherwise). Failure: the catalogue's status,
// `WWW-Authenticate` header and `{"error": code, "error_description": <the catalogue's description>}`; errors that are
// not request failures (e.g. a bug) go to `next(err)`. `meshauthErrorHandler()` gives a meshauth
// error thrown in a handler (`throw createError('caller_not_allowed')`,
// `req.auth.requireScopes([...])`) the same answer instead of Express's HTML page.

const { Validator } = require('../loader.js')
const { isHttpAuthError, errorBody, errorHeaders, requestOf, routeCheck } = require('./response.js')

/**
 * @param {import('../index').Validator | import('../index').ValidatorOptions} validator
 *   a Validator, or the options to build one
 * @param {{ property?: string, scopes?: string[], clients?: string[] }} [options]
 */
function meshauth(validator, options = {}) {
  const v = validator instanceof Validator ? validator : new Validator(validator)
  const property = options.property ?? 'auth'
  const check = routeCheck(options)
  return function meshauthMiddleware(req, res, next) {
    v.authenticate(requestOf(req)).then(check).then(
      (principal) => {
        req[property] = principal
        next()
      },
      (err) => {
        if (!isHttpAuthError(err)) return next(err)
        send(res, err)
      },
    )
  }
}

function send(res, err) {
  res.writeHead(err.status, errorHeaders(err))
  res.end(JSON.stringify(errorBody(err)))
}

/**
 * An Express error handler (register it after the routes): a meshauth error thrown or passed to
 * `next(err)` by a handler answers like a refused token; any other error goes on to the next
 * error handler.
 */
function meshauthErrorHandler() {
  return function meshauthErrors(err, req, res, next) {
    if (!isHttpAuthError(err) || res.headersSent) return next(err)
    send(res, err)
  }
}

module.exports = { meshauth, meshauthErrorHandler, default: meshauth }
