'use strict'
// The HTTP answer to a failed authentication, shared by the framework adapters. Every value comes
// from the error the core produced (status, WWW-Authenticate, code, message): no decision here.

const { isMeshAuthError } = require('../loader.js')

/** Whether `err` is a meshauth failure that answers an HTTP request (it has a status). */
function isHttpAuthError(err) {
  return isMeshAuthError(err) && err.status != null
}

/** The JSON body: `{"error": code, "error_description": message}`. */
function errorBody(err) {
  return { error: err.code, error_description: err.message }
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
