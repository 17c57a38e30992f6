// Compiled with `tsc --noEmit --strict` by types.test.mjs: the committed typings describe the API.
import { Validator, Principal, TokenClient, AccessToken, type AccessTokenJSON, errorCodes, isMeshAuthError, createError, type MeshAuthErrorCode, type MeshAuthError } from '../index'
import { meshauth, meshauthErrorHandler } from '../lib/express'
import { meshauthHook, meshauthErrorHandler as fastifyErrors } from '../lib/fastify'
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
  const forwarded: string = p.authorizationHeader()
  const required: void = p.requireScopes(['orders:read', 'orders:write'])
  void required
  const callers: void = p.requireClients(['checkout', 'admin-ui'])
  void callers
  const perRoute = meshauth(v, { scopes: ['orders:write'], clients: ['checkout'] })
  const perHook = meshauthHook(v, { clients: ['checkout'] })
  const errors = meshauthErrorHandler()
  void [perRoute, perHook, errors, fastifyErrors]
  const tc = new TokenClient({ issuer: 'https://i', clientId: 'orders', clientSecret: 's', clientAuth: 'client_secret_post', scope: ['a', 'b'] })
  const tc2 = new TokenClient({ token_endpoint: 'https://i/token', client_id: 'c', private_key_pem: 'pem', http_timeout_ms: 1000 })
  const own: AccessToken = await tc.clientCredentials({ audience: 'billing', scope: 'billing:charge' })
  await tc.clientCredentials()
  const bearer: AccessToken = await tc2.jwtBearer('jwt', { audience: 'partner-api', useClientToken: true })
  const exchanged = await tc.tokenExchange('jwt', { audience: 'partner-api', subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt', actor_token: 'a' })
  const header: string = own.authorizationHeader()
  const at: string = own.accessToken
  const expiresAt: number | null = own.expiresAt
  const issuedType: string | null = exchanged.issuedTokenType
  const shown: AccessTokenJSON = bearer.toJSON()
  const id: string = tc.clientId
  new Validator({ issuer: 'https://i', audience: 'a', discovery: true, jwksAuth: { clientId: 'orders', clientSecret: 's' } })
  void subject, exp, scopes, isClient, claims, client, q, codes, status, mw, hook, token, kids
  void forwarded, header, at, expiresAt, issuedType, shown, id
}
void use

// @ts-expect-error: not a code of the catalogue
createError('no_such_code')
// @ts-expect-error: options are typed
new Validator({ issuer: 'x', leeway_s: 'ten' })
// @ts-expect-error: a token client needs its client id
new TokenClient({ issuer: 'https://i', clientSecret: 's' })
// @ts-expect-error: not a client authentication method
new TokenClient({ issuer: 'https://i', clientId: 'c', clientAuth: 'password' })
// @ts-expect-error: request options are typed
void new TokenClient({ clientId: 'c', tokenEndpoint: 'https://i/token' }).clientCredentials({ useClientToken: 'yes' })
