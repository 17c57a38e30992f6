// Compiled with `tsc --noEmit --strict` by types.test.mjs: the committed typings describe the API.
import { Validator, Principal, errorCodes, isMeshAuthError, createError, type MeshAuthErrorCode, type MeshAuthError } from '../index'
import { meshauth } from '../lib/express'
import { meshauthHook } from '../lib/fastify'
import { startDevIssuer } from '../lib/testing'

async function use(): Promise<void> {
  const v = new Validator({ issuer: 'https://i', audience: ['a', 'b'], jwksUrl: 'https://i/jwks', leeway_s: 30, requiredScopes: ['x'] })
  const p: Principal = await v.validate('t', { now: 1 })
  const subject: string | null = p.subject
  const exp: number = p.expiresAt
  const scopes: string[] = p.scopes
  const isClient: boolean = p.isClient
  const claims: Record<string, unknown> = p.claims
  const json = p.toJSON()
  const client: string | null = json.clientId
  const q: Principal = v.authenticateSync({ headers: { authorization: 'Bearer t', 'x-many': ['1', '2'] } })
  await v.authenticate({ headers: ['Authorization', 'Bearer t'], cookies: { at: 't' } })
  await v.authenticate({ headers: [['authorization', 'Bearer t']] })
  await v.refresh()
  const codes: MeshAuthErrorCode[] = errorCodes()
  const e: MeshAuthError = createError('insufficient_scope')
  const status: number | null = e.status
  try {
    v.validateSync('t')
  } catch (err) {
    if (isMeshAuthError(err)) {
      const code: MeshAuthErrorCode = err.code
      const www: string | null = err.wwwAuthenticate
      void code, www
    }
  }
  const mw = meshauth(v, { property: 'auth' })
  const hook = meshauthHook({ issuer: 'https://i', audience: 'a', discovery: true })
  const issuer = await startDevIssuer()
  const token: string = await issuer.mint({ sub: 'a' }, { alg: 'EdDSA', ttlS: 60 })
  const kids: string[] = await issuer.rotate({ retire: true })
  await issuer.stop()
  void subject, exp, scopes, isClient, claims, client, q, codes, status, mw, hook, token, kids
}
void use

// @ts-expect-error: not a code of the catalogue
createError('no_such_code')
// @ts-expect-error: options are typed
new Validator({ issuer: 'x', leeway_s: 'ten' })
