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

module.exports = { isHttpAuthError, errorBody, errorHeaders, requestOf }
