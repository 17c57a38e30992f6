import type { Validator, ValidatorOptions, Principal } from '../index'

export interface MeshauthPluginOptions {
  validator?: Validator
  config?: ValidatorOptions
  /** Where the Principal goes on the request (default `auth`). */
  property?: string
  /** Scopes the Principal must all carry (403 `insufficient_scope` otherwise). */
  scopes?: string[]
  /**
   * The calling clients allowed on this route: the Principal's `clientId` (else `azp`, else
   * `subject`) must be one of them (403 `caller_not_allowed` otherwise; the core's
   * `requireClients`, the same decision as the validator's `allowedClients`).
   */
  clients?: string[]
}

/** Fastify plugin (not encapsulated): authenticates every request; `request.auth` is the Principal. */
export declare function meshauthPlugin(fastify: any, options: MeshauthPluginOptions, done: (err?: Error) => void): void
/** An `onRequest` hook for single routes. */
export declare function meshauthHook(
  validator: Validator | ValidatorOptions,
  options?: { property?: string; scopes?: string[]; clients?: string[] },
): (request: any, reply: any) => Promise<unknown>
/**
 * A Fastify error handler (`app.setErrorHandler(meshauthErrorHandler)`; the plugin installs it):
 * a meshauth error thrown in a handler answers with the catalogue's status, `WWW-Authenticate`
 * and JSON body; other errors go to Fastify's default handler.
 */
export declare function meshauthErrorHandler(this: any, err: unknown, request: any, reply: any): unknown
export default meshauthPlugin

declare module 'fastify' {
  interface FastifyRequest {
    auth: Principal | null
  }
}
