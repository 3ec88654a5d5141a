#!/usr/bin/env bash
# Makes sure a Node.js that package.json's engines accept (^22.13.0 || >=24.11.0) is at hand and prints
# the directory to put first on PATH:
#
#   export PATH="$(bash scripts/ensure-node.sh):$PATH"
#
# - The node on PATH is new enough: prints its directory, installs nothing.
# - It is older (Node 20, Debian's 18) or missing: installs Node 24 from the npm registry package
#   node-linux-<arch> (the official binary and headers), with npm, into .tools/node (git-ignored) and
#   prints .tools/node/bin. Its npm runs under that node, puts it first on PATH for `npm run`/`npx`, and
#   builds native addons against its headers. Done once: later calls only check the stamp (milliseconds).
#
# Fetching needs an npm of any version (npm 7+) that reaches the registry, and therefore some node to run
# it. A machine with no node at all: `apt-get install -y nodejs npm` (Debian's Node 18 and npm 9 are enough
# to bootstrap), then run this. Logs go to stderr; stdout is only the directory.
#
# `--check`: installs nothing; exits 0 when the node on PATH is accepted, 1 when it is not.
# ENSURE_NODE_LOCAL=1: use .tools/node (the pinned Node below) even when the node on PATH would do.
set -euo pipefail

NODE_VERSION=24.22.3 # LTS; .nvmrc and docker/Dockerfile name the same major
NPM_VERSION=11.21.2
declare -A NODE_SHA512=( # sha512 of the registry tarballs (their dist.integrity), checked before unpacking
  [x64]=287b286fe16ff587ab013bd8ba331b8b226a9d10af2edadcaff79336a46a88e486a7dec43a244fd723f8efe9271a043fc677375d8f31ce45b9f3b76567336a44
  [arm64]=219c74279dbfd4d0f002c6368b2591f6794f218b98be24d67ad8e3f3e125bd8421dbe5d184b7c27e46c5105ff63b9bc623685c51bc8f34757e9f3df8d856c95f
)
NPM_SHA512=ec73c0a64f807e53146af4ac78bd4f9ba0a762a3081e4e77c7e2a6ba1aa64c3a8f9233cc8312294cf713aac13dd4428dc3880504957d7e75e249d1a6d435eaf4

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS="$ROOT/.tools"
DEST="$TOOLS/node"
STAMP="node-v$NODE_VERSION npm-v$NPM_VERSION"

log() { printf '[ensure-node] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# The engines range of package.json, by hand: ^22.13.0 || >=24.11.0.
supported() {
  local major minor
  IFS=. read -r major minor _ <<<"${1#v}"
  [[ $major =~ ^[0-9]+$ && $minor =~ ^[0-9]+$ ]] || return 1
  ((major == 22 && minor >= 13)) || ((major == 24 && minor >= 11)) || ((major > 24))
}

current=$(node --version 2>/dev/null || true)
if [[ ${1:-} == --check ]]; then
  supported "$current" && exit 0
  log "node ${current:-missing} is outside ^22.13.0 || >=24.11.0"
  exit 1
fi
[[ $# -eq 0 ]] || die "usage: $0 [--check]"

if [[ -z ${ENSURE_NODE_LOCAL:-} ]] && supported "$current"; then
  dirname "$(command -v node)"
  exit 0
fi

if [[ -x $DEST/bin/node && $(cat "$DEST/.installed" 2>/dev/null) == "$STAMP" ]]; then
  echo "$DEST/bin"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) arch=x64 ;;
  Linux-aarch64) arch=arm64 ;;
  *) die "no Node package for $(uname -s) $(uname -m): install Node 24 yourself" ;;
esac
command -v npm >/dev/null 2>&1 ||
  die "node ${current:-missing}, and no npm to fetch Node $NODE_VERSION with. Install any node+npm first (Debian: apt-get install -y nodejs npm), then run this again."

mkdir -p "$TOOLS"
exec 9>"$TOOLS/.lock"
flock 9 # two runs at once: the second waits, then finds the stamp
if [[ -x $DEST/bin/node && $(cat "$DEST/.installed" 2>/dev/null) == "$STAMP" ]]; then
  echo "$DEST/bin"
  exit 0
fi

log "node ${current:-missing}${ENSURE_NODE_LOCAL:+ (ENSURE_NODE_LOCAL set)}: installing Node $NODE_VERSION into ${DEST#"$ROOT"/}"
work=$(mktemp -d "$TOOLS/.install.XXXXXX")
trap 'rm -rf "$work"' EXIT

fetch() { # fetch <spec> <sha512-hex>: prints the tarball's path
  local spec=$1 want=$2 tgz got
  (cd "$work" && npm pack "$spec" --pack-destination "$work" --silent --no-fund --no-audit >/dev/null) ||
    die "npm could not fetch $spec"
  tgz=$(ls "$work"/*.tgz)
  got=$(sha512sum "$tgz" | cut -d' ' -f1)
  [[ $got == "$want" ]] || die "$spec: sha512 $got, expected $want"
  echo "$tgz"
}

new="$work/node"
mkdir -p "$new/lib/node_modules/npm"
tgz=$(fetch "node-linux-$arch@$NODE_VERSION" "${NODE_SHA512[$arch]}")
tar -xzf "$tgz" -C "$new" --strip-components=1 --no-same-owner && rm -f "$tgz"
tgz=$(fetch "npm@$NPM_VERSION" "$NPM_SHA512")
tar -xzf "$tgz" -C "$new/lib/node_modules/npm" --strip-components=1 --no-same-owner && rm -f "$tgz"
rm -f "$new/package.json" "$new/README.md" "$new/CHANGELOG.md"

# npm and npx as in Node's own distribution, but run by this node whatever PATH says, with this node first
# on PATH for the scripts they start, and native addons built against this node's headers: node-gyp takes
# npm_package_config_node_gyp_nodedir over a nodedir from ~/.npmrc (that one belongs to the machine's node).
for tool in npm npx; do
  cat >"$new/bin/$tool" <<EOF
#!/bin/sh
# Written by scripts/ensure-node.sh: $tool of this project-local Node.
bin=\$(cd "\$(dirname "\$(readlink -f "\$0")")" && pwd)
export PATH="\$bin:\$PATH"
export npm_package_config_node_gyp_nodedir="\${bin%/bin}"
exec "\$bin/node" "\$bin/../lib/node_modules/npm/bin/$tool-cli.js" "\$@"
EOF
  chmod +x "$new/bin/$tool"
done

got=$("$new/bin/node" --version) || die "the installed node does not start"
[[ $got == "v$NODE_VERSION" ]] || die "installed node says $got, expected v$NODE_VERSION"
got=$("$new/bin/npm" --version) || die "the installed npm does not start"
[[ $got == "$NPM_VERSION" ]] || die "installed npm says $got, expected $NPM_VERSION"
echo "$STAMP" >"$new/.installed"

rm -rf "$DEST"
mv "$new" "$DEST"
log "Node $NODE_VERSION, npm $NPM_VERSION ready: put ${DEST#"$ROOT"/}/bin first on PATH"
echo "$DEST/bin"
