// index.d.ts (generated + dts-header.d.ts) and lib/*.d.ts type-check a strict TypeScript use of the API.
import test from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..')

test('typings compile under tsc --strict', async () => {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const args = [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node', 'test/types-check.ts']
  const result = await run(process.execPath, args, { cwd: root }).catch((e) => e)
  assert.equal(result.code ?? 0, 0, `${result.stdout}${result.stderr}`)
})
