import type { Validator, ValidatorOptions, Principal } from '../index'

export interface MeshauthMiddlewareOptions {
  /** Where the Principal goes on the request (default `auth`). */
  property?: string
  /** Scopes the Principal must all carry (403 `insufficient_scope` otherwise). */
  scopes?: string[]
}

/** Express middleware: `req.auth` is the Principal; failures answer 400/401/403/503 with `WWW-Authenticate`. */
export declare function meshauth(
  validator: Validator | ValidatorOptions,
  options?: MeshauthMiddlewareOptions,
): (req: any, res: any, next: (err?: unknown) => void) => void
export default meshauth

declare global {
  namespace Express {
    interface Request {
      auth?: Principal
    }
  }
}
