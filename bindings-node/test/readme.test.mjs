// The README's examples are executed: every ```js block of bindings-node/README.md runs as a program
// (inside the package, so `require('meshauth')` resolves to this package) and its output is checked.
import test from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const here = path.dirname(new URL(import.meta.url).pathname)
const readme = fs.readFileSync(path.join(here, '..', 'README.md'), 'utf8')
const blocks = [...readme.matchAll(/```js\n([^]*?)```/g)].map((m) => m[1])

// What each block must print (in order), so a broken example cannot pass.
const EXPECTED = [
  [/^alice \[ 'orders:read' \]$/m, /^invalid_audience 401 Bearer error="invalid_token", error_description="/m],
  [/^200 \{ caller: 'alice' \}$/m, /^401 Bearer \{\s*error: 'no_credentials',/m],
  [
    /^Bearer billing:charge$/m,
    /^AccessToken \{\n  tokenType: 'Bearer',\n  expiresAt: \d+,\n  scope: 'partner:orders:read',\n  issuedTokenType: 'urn:ietf:params:oauth:token-type:access_token',\n  accessToken: '<redacted>'\n\}$/m,
    /^alice \[ 'partner-api' \] orders$/m,
    /^token_endpoint_error invalid_target$/m,
  ],
]

test('the README has the runnable examples', () => {
  assert.equal(blocks.length, EXPECTED.length)
})

for (const [i, code] of blocks.entries()) {
  test(`README example ${i + 1} runs`, async (t) => {
    const file = path.join(here, `readme-${i + 1}.generated.cjs`)
    fs.writeFileSync(file, code)
    t.after(() => fs.rmSync(file, { force: true }))
    const { stdout } = await run(process.execPath, [file], { timeout: 120000 })
    for (const re of EXPECTED[i]) assert.match(stdout, re)
  })
}
