'use strict'
// The HTTP answer to a failed authentication, shared by the framework adapters. Every value comes
// from the core (status, WWW-Authenticate, code, the catalogue's description): no decision here.
// The error's `message` is the operator's detail (it may name an internal URL, without query or
// userinfo, or quote the authorization server): it stays on the error for the application's logs
// and never reaches the caller.

const { isMeshAuthError, createError } = require('../loader.js')

const descriptions = new Map()
/** The catalogue's fixed description of `code` (the default message of a fresh error). */
function description(code) {
  let d = descriptions.get(code)
  if (d === undefined) {
    try {
      d = createError(code).message
    } catch {
      d = 'authentication failed'
    }
    descriptions.set(code, d)
  }
  return d
}

/** Whether `err` is a meshauth failure that answers an HTTP request (it has a status). */
function isHttpAuthError(err) {
  return isMeshAuthError(err) && err.status != null
}

/** The JSON body: `{"error": code, "error_description": <the catalogue's fixed description>}`. */
function errorBody(err) {
  return { error: err.code, error_description: description(err.code) }
}

/** Headers of the answer: `WWW-Authenticate` when the catalogue has one, never cached. */
function errorHeaders(err) {
  const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }
  if (err.wwwAuthenticate != null) headers['www-authenticate'] = err.wwwAuthenticate
  return headers
}

/** The request as the core reads it: raw headers keep duplicate `Authorization` headers visible. */
function requestOf(nodeRequest) {
  return { headers: nodeRequest.rawHeaders ?? nodeRequest.headers }
}

/**
 * The per-route check of the adapters' `scopes` and `clients` options: a function of the
 * Principal that returns it, or throws the core's `caller_not_allowed` / `insufficient_scope`.
 * The options are checked once, when the route is built.
 */
function routeCheck(options) {
  const scopes = options.scopes ?? []
  const clients = options.clients
  if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) {
    throw new TypeError('meshauth: options.scopes must be an array of strings')
  }
  if (clients !== undefined && (!Array.isArray(clients) || !clients.every((c) => typeof c === 'string'))) {
    throw new TypeError('meshauth: options.clients must be an array of strings')
  }
  return (principal) => {
    if (clients !== undefined) principal.requireClients(clients)
    if (scopes.length > 0) principal.requireScopes(scopes)
    return principal
  }
}

module.exports = { isHttpAuthError, errorBody, errorHeaders, requestOf, routeCheck }
