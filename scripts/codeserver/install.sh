#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3 in the browser; the newest release whose engines
# accept Node 20) into a folder of its own, outside the extension's package.json and out of git.
# Idempotent: returns at once when that exact version is already installed.
#
#   FLAB_CODE_SERVER_DIR  where to install (default ~/.cache/flab-code-server/4.100.3)
#   FLAB_SKIP_APT=1       do not check/install the Debian packages (scripts/codeserver/apt-deps.sh)
#
# Prints the install folder on its last line; each step below says why it is there.
set -euo pipefail

VERSION=4.100.3
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="${FLAB_CODE_SERVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/flab-code-server/$VERSION}"
ENTRY="$DIR/node_modules/code-server/out/node/entry.js"
STAMP="$DIR/.installed-$VERSION"

if [ -f "$STAMP" ] && [ -f "$ENTRY" ]; then
  echo "code-server $VERSION already installed"
  echo "$DIR"
  exit 0
fi

if [ "${FLAB_SKIP_APT:-}" != 1 ]; then
  bash "$HERE/apt-deps.sh"
fi

RG="$(command -v rg || true)"
if [ -z "$RG" ]; then
  echo "install.sh: ripgrep (rg) is missing: run scripts/codeserver/apt-deps.sh" >&2
  exit 1
fi

mkdir -p "$DIR"
WORK="$DIR/.install-tmp"
rm -rf "$WORK"
mkdir -p "$WORK"

# @vscode/ripgrep downloads rg from GitHub in its postinstall; it uses a cached tarball instead
# when one is in $TMPDIR/vscode-ripgrep-cache-<its version>/. Seed it with Debian's rg.
RG_PKG_VERSION=1.15.11
RG_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
mkdir -p "$WORK/rgstage" "$WORK/vscode-ripgrep-cache-$RG_PKG_VERSION"
cp "$RG" "$WORK/rgstage/rg"
tar -czf "$WORK/vscode-ripgrep-cache-$RG_PKG_VERSION/$RG_ASSET" -C "$WORK/rgstage" rg

cd "$DIR"
if [ ! -f package.json ]; then
  printf '{\n  "name": "flab-code-server",\n  "private": true,\n  "description": "code-server for the Feature Learning Lab integration tests (not part of the extension)"\n}\n' > package.json
fi

echo "installing code-server $VERSION into $DIR (about 75 s)"
start=$(date +%s)
# unsafe_perm: its postinstall refuses to run as root otherwise (npm warns the option is unknown;
# the environment variable still reaches the script). yes: node-pty's postinstall runs
# `npx node-gyp`, which would otherwise stop to ask.
TMPDIR="$WORK" \
npm_config_unsafe_perm=true \
npm_config_yes=true \
npm_config_audit=false \
npm_config_fund=false \
npm_config_update_notifier=false \
  npm install --save-exact --foreground-scripts "code-server@$VERSION" > "$DIR/install.log" 2>&1 || {
    echo "install.sh: npm install code-server@$VERSION failed; last lines of $DIR/install.log:" >&2
    tail -n 40 "$DIR/install.log" >&2
    exit 1
  }

if [ ! -f "$ENTRY" ]; then
  echo "install.sh: $ENTRY missing after install; see $DIR/install.log" >&2
  exit 1
fi
# A quick self-check: the binary runs and reports its version.
# HOME points into the scratch folder: code-server writes a default config.yaml on any start.
HOME="$WORK" XDG_CONFIG_HOME="$WORK/.config" XDG_DATA_HOME="$WORK/.local/share" \
  "$DIR/node_modules/.bin/code-server" --version | head -n 1
rm -rf "$WORK"
touch "$STAMP"
echo "code-server $VERSION installed in $(( $(date +%s) - start )) s"
echo "$DIR"
