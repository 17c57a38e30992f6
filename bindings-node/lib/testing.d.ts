export interface MintOptions {
  alg?: 'RS256' | 'ES256' | 'EdDSA'
  /** Extra or overriding JOSE header members. */
  header?: Record<string, unknown>
  /** Lifetime in seconds (also accepted as `ttl_s`). */
  ttlS?: number
  ttl_s?: number
  /** `'signature'` corrupts the signature. */
  tamper?: 'signature' | null
}

export declare class DevIssuerError extends Error {
  status: number | null
  body: unknown
}

export declare class DevIssuer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string
  /** The `iss` of the tokens it issues. */
  readonly issuer: string
  readonly jwksUrl: string
  readonly tokenUrl: string
  metadata(): Promise<Record<string, unknown>>
  jwks(): Promise<{ keys: Record<string, unknown>[] }>
  mint(claims: Record<string, unknown>, opts?: MintOptions): Promise<string>
  rotate(opts?: { retire?: boolean }): Promise<string[]>
  clientCredentials(
    clientId: string,
    secret: string,
    opts?: { audience?: string; scope?: string },
  ): Promise<{ access_token: string; token_type: string; expires_in?: number; scope?: string }>
  stop(): Promise<void>
}

/** Start the development issuer on a free loopback port. */
export declare function startDevIssuer(options?: { bin?: string; args?: string[]; timeoutMs?: number }): Promise<DevIssuer>
/**
 * Path of the `meshauth-issuer` binary: `$MESHAUTH_ISSUER_BIN`, else the platform package's
 * (`meshauth-linux-x64-gnu`), else `<repo>/target/debug` in a checkout (built if missing).
 */
export declare function issuerBinary(options?: { build?: boolean }): string
