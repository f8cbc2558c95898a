#!/usr/bin/env bash
# spa-install.sh [APP_DIR]: install a single-page app's dependencies, run in the app's folder (the default).
#
# `npm ci` installs the dependencies of a local package (`"@x/shared": "file:../shared"`) only when its folder
# is inside the npm project being installed; for a folder outside it (a monorepo's shared package next to the
# app) npm links the folder and installs none of its dependencies (npm 10 and 11), so the build fails to resolve
# them. This script:
#   1. asks npm for the project root (`npm prefix`): the app's folder, or the root of the npm workspace the app
#      is a member of. A workspace is installed with one `npm ci` at its root: `npm ci` in a member folder
#      installs only that member's dependencies, not the root package's own (dev)dependencies;
#   2. finds the app's local packages (`file:`, or a bare path, in dependencies, devDependencies and
#      optionalDependencies), and theirs, each once;
#   3. installs each local package outside the project root in its own folder, innermost first: `npm ci` where
#      it has a package-lock.json or npm-shrinkwrap.json, else `npm install --no-save` (resolved afresh, with a
#      warning, and nothing written to the checkout);
#   4. runs `npm ci` at the project root.
# Every install uses npm's default cache (~/.npm), which the build project keeps between builds.
set -euo pipefail

log() { printf 'spa-install: %s\n' "$*"; }
fail() { printf 'spa-install: error: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || fail "node is not on PATH (the build needs Node.js: runtime-versions nodejs)"
command -v npm >/dev/null || fail "npm is not on PATH"
app=$(cd "${1:-.}" && pwd -P)
[[ -f "$app/package.json" ]] || fail "$app has no package.json: is appPath the app's folder?"
# npm's own answer: the nearest folder with a package.json, or the workspace root that lists this folder.
root=$(cd "$app" && npm prefix 2>/dev/null) || fail "npm could not read $app/package.json (npm prefix failed): is it valid JSON?"
root=$(cd "$root" && pwd -P)
log "app $app (node $(node --version), npm $(npm --version))"

# The plan, one line each: "log<TAB>message" or "install<TAB>folder<TAB>ci|install<TAB>folder as logged";
# errors go to stderr.
plan=$(node - "$app" "$root" <<'NODE'
const fs = require('fs');
const path = require('path');
const [app, root] = process.argv.slice(2);
const base = process.env.CODEBUILD_SRC_DIR ? fs.realpathSync(process.env.CODEBUILD_SRC_DIR) : undefined;
const show = (p) => (base && (p === base || p.startsWith(base + path.sep)) ? path.relative(base, p) || 'the repository root' : p);
const inside = (dir, parent) => dir === parent || dir.startsWith(parent + path.sep);
const out = [];
const say = (message) => out.push(`log\t${message}`);
const fail = (message) => {
  process.stderr.write(`spa-install: error: ${message}\n`);
  process.exit(1);
};
const LOCKS = ['npm-shrinkwrap.json', 'package-lock.json'];
const lockOf = (dir) => LOCKS.find((f) => fs.existsSync(path.join(dir, f)));

function readManifest(dir) {
  const file = path.join(dir, 'package.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return fail(`cannot read ${show(file)}: ${e.message}`);
  }
}

/** The folder of a local dependency, or undefined for a registry, git, tarball or alias spec. */
function localFolder(manifestFile, name, spec) {
  if (typeof spec !== 'string') return undefined;
  if (spec.startsWith('link:')) {
    fail(`${show(manifestFile)} depends on "${name}": "${spec}", but npm (10, 11) does not support the link: protocol `
      + `(yarn and pnpm do; npm fails with EUNSUPPORTEDPROTOCOL). Use "file:${spec.slice(5)}" for npm, `
      + 'or give installCommands for your package manager');
  }
  let p;
  if (spec.startsWith('file:')) p = spec.slice(5).replace(/^\/\/(?=\/)/, '');
  else if (/^(\.\.?|~)?\//.test(spec) || spec === '.' || spec === '..') p = spec;
  else return undefined;
  if (p.startsWith('~/')) p = path.join(require('os').homedir(), p.slice(2));
  const target = path.resolve(path.dirname(manifestFile), p);
  if (!fs.existsSync(target)) {
    fail(`${show(manifestFile)} depends on "${name}": "${spec}", but ${show(target)} does not exist `
      + '(the path is relative to the folder of that package.json; is the folder in the repository?)');
  }
  if (!fs.statSync(target).isDirectory()) return undefined; // a tarball: npm installs it with its dependencies
  if (!fs.existsSync(path.join(target, 'package.json'))) {
    fail(`${show(manifestFile)} depends on "${name}": "${spec}", but ${show(target)} has no package.json`);
  }
  return fs.realpathSync(target);
}

const FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'];
const INSTALLED = [...FIELDS, 'peerDependencies'];
const seen = new Set([app]);
const ownInstall = new Set([root]);

// Depth first: a local package outside the folder being installed (`installRoot`) gets an install of its own,
// after the local packages it needs in turn.
function visit(dir, installRoot) {
  const manifestFile = path.join(dir, 'package.json');
  const manifest = readManifest(dir);
  for (const field of FIELDS) {
    for (const [name, spec] of Object.entries(manifest[field] ?? {})) {
      const folder = localFolder(manifestFile, name, spec);
      if (!folder || seen.has(folder)) continue;
      seen.add(folder);
      if (inside(folder, installRoot)) {
        say(`local package ${name} (${spec}) at ${show(folder)}: inside ${show(installRoot)}, npm installs its dependencies there`);
        visit(folder, installRoot);
        continue;
      }
      visit(folder, folder);
      const wanted = INSTALLED.some((f) => Object.keys(readManifest(folder)[f] ?? {}).length > 0);
      if (!wanted) {
        say(`local package ${name} (${spec}) at ${show(folder)}: no dependencies of its own`);
      } else if (!ownInstall.has(folder)) {
        ownInstall.add(folder);
        const lock = lockOf(folder);
        say(`local package ${name} (${spec}) at ${show(folder)}: outside ${show(installRoot)}, so npm would link it `
          + 'without its dependencies; installing them first');
        if (!lock) {
          say(`warning: ${show(folder)} has no package-lock.json: npm install --no-save resolves its dependencies afresh `
            + 'on every build (commit a package-lock.json there for reproducible builds)');
        }
        out.push(`install\t${folder}\t${lock ? 'ci' : 'install'}\t${show(folder)}`);
      }
    }
  }
}

if (root !== app) {
  say(`${show(app)} is a member of the npm workspace at ${show(root)}: one npm ci there installs every member `
    + '(npm ci in the member folder would skip the root package\'s own dependencies)');
  const stray = lockOf(app);
  if (stray) say(`note: ${show(path.join(app, stray))} is ignored: npm installs workspace members from the root's lock file`);
}
visit(app, root);
if (!lockOf(root)) {
  const other = ['yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb'].find((f) => fs.existsSync(path.join(root, f)));
  fail(`${show(root)} has no package-lock.json or npm-shrinkwrap.json, which npm ci needs: run npm install there and `
    + `commit package-lock.json${other ? ` (found ${other}: give installCommands for that package manager instead)` : ''}`);
}
out.push(`install\t${root}\tci\t${show(root)}`);
process.stdout.write(out.join('\n') + '\n');
NODE
) || exit 1

while IFS=$'\t' read -r kind dir mode shown; do
  if [[ "$kind" == log ]]; then
    log "$dir"
  elif [[ "$mode" == ci ]]; then
    log "npm ci in $shown"
    (cd "$dir" && npm ci --no-audit --no-fund) || fail "npm ci failed in $shown (npm's output above)"
  else
    log "npm install --no-save in $shown"
    (cd "$dir" && npm install --no-save --no-audit --no-fund) || fail "npm install failed in $shown (npm's output above)"
  fi
done <<<"$plan"
log "done"
