import type { Validator, ValidatorOptions, Principal } from '../index'

export interface MeshauthPluginOptions {
  validator?: Validator
  config?: ValidatorOptions
  /** Where the Principal goes on the request (default `auth`). */
  property?: string
  /** Scopes the Principal must all carry (403 `insufficient_scope` otherwise). */
  scopes?: string[]
}

/** Fastify plugin (not encapsulated): authenticates every request; `request.auth` is the Principal. */
export declare function meshauthPlugin(fastify: any, options: MeshauthPluginOptions, done: (err?: Error) => void): void
/** An `onRequest` hook for single routes. */
export declare function meshauthHook(
  validator: Validator | ValidatorOptions,
  options?: { property?: string; scopes?: string[] },
): (request: any, reply: any) => Promise<unknown>
export default meshauthPlugin

declare module 'fastify' {
  interface FastifyRequest {
    auth: Principal | null
  }
}
