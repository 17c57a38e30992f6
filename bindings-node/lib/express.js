'use strict'
// Express (4 and 5) middleware: authenticates every request it sees.
//
//   const { meshauth } = require('meshauth/express')
//   app.use(meshauth({ issuer, audience: 'orders', discovery: true }))
//   app.get('/orders', (req, res) => res.json({ caller: req.auth.subject }))
//
//   app.get('/admin', meshauth(validator, { scopes: ['orders:admin'] }), handler)  // per route
//
// Success: `req.auth` (or `req[property]`) is the `Principal`; with `scopes`, the Principal must
// carry every one (the core's `requireScopes`: 403 `insufficient_scope` otherwise). Failure: the catalogue's status,
// `WWW-Authenticate` header and `{"error": code, "error_description": <the catalogue's description>}`; errors that are
// not request failures (e.g. a bug) go to `next(err)`.

const { Validator } = require('../loader.js')
const { isHttpAuthError, errorBody, errorHeaders, requestOf } = require('./response.js')

/**
 * @param {import('../index').Validator | import('../index').ValidatorOptions} validator
 *   a Validator, or the options to build one
 * @param {{ property?: string, scopes?: string[] }} [options]
 */
function meshauth(validator, options = {}) {
  const v = validator instanceof Validator ? validator : new Validator(validator)
  const property = options.property ?? 'auth'
  const scopes = options.scopes ?? []
  return function meshauthMiddleware(req, res, next) {
    v.authenticate(requestOf(req)).then(
      (principal) => {
        if (scopes.length > 0) principal.requireScopes(scopes)
        return principal
      },
    ).then(
      (principal) => {
        req[property] = principal
        next()
      },
      (err) => {
        if (!isHttpAuthError(err)) return next(err)
        res.writeHead(err.status, errorHeaders(err))
        res.end(JSON.stringify(errorBody(err)))
      },
    )
  }
}

module.exports = { meshauth, default: meshauth }
