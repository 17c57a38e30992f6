// Stage the two npm packages of the napi-rs layout for `npm pack` (make dist-node):
//   <stage>/meshauth/          the package's published files, package.json stamped with the workspace
//                              version, `optionalDependencies` naming the platform package
//   <stage>/<platform>/        npm/<platform>/package.json (+ README) stamped with the same version
// The native files (.node, meshauth-issuer) are copied in by the Makefile.
//
//   node stage_node.js <bindings-node> <stage> <version> <platform>
'use strict'
const fs = require('node:fs')
const path = require('node:path')

const [src, stage, version, platform] = process.argv.slice(2)
const read = (p) => JSON.parse(fs.readFileSync(p, 'utf8'))
const write = (p, v) => fs.writeFileSync(p, JSON.stringify(v, null, 2) + '\n')

const pkg = read(path.join(src, 'package.json'))
const main = path.join(stage, 'meshauth')
// Only what `files` publishes, without any build output of a checkout (*.node).
for (const entry of pkg.files) {
  if (entry.includes('*')) continue
  const from = path.join(src, entry)
  if (!fs.existsSync(from)) throw new Error(`package.json files: ${entry} does not exist`)
  fs.cpSync(from, path.join(main, entry), { recursive: true })
}
fs.copyFileSync(path.join(src, 'README.md'), path.join(main, 'README.md'))
pkg.version = version
pkg.files = pkg.files.filter((f) => !f.includes('*'))
pkg.optionalDependencies = { [`meshauth-${platform}`]: version }
delete pkg.devDependencies
delete pkg.scripts
write(path.join(main, 'package.json'), pkg)

const plat = read(path.join(src, 'npm', platform, 'package.json'))
plat.version = version
fs.mkdirSync(path.join(stage, platform), { recursive: true })
write(path.join(stage, platform, 'package.json'), plat)
fs.copyFileSync(path.join(src, 'npm', platform, 'README.md'), path.join(stage, platform, 'README.md'))
