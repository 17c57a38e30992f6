import type { Validator, ValidatorOptions, Principal } from '../index'

export interface MeshauthMiddlewareOptions {
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

/** Express middleware: `req.auth` is the Principal; failures answer 400/401/403/503 with `WWW-Authenticate`. */
export declare function meshauth(
  validator: Validator | ValidatorOptions,
  options?: MeshauthMiddlewareOptions,
): (req: any, res: any, next: (err?: unknown) => void) => void
/**
 * An Express error handler (register after the routes): a meshauth error thrown in a handler
 * answers with the catalogue's status, `WWW-Authenticate` and JSON body; other errors go on.
 */
export declare function meshauthErrorHandler(): (err: unknown, req: any, res: any, next: (err?: unknown) => void) => void
export default meshauth

declare global {
  namespace Express {
    interface Request {
      auth?: Principal
    }
  }
}
