#!/usr/bin/env bash
# Debian packages the real-VS-Code tests need: Chromium (driven by playwright-core), Debian's
# ripgrep (code-server's @vscode/ripgrep would download its own from GitHub, which is closed here)
# and the headers code-server's native modules compile against; fonts, so screenshots show text
# (installed without recommends). Quick when all are present.
set -euo pipefail

PACKAGES=(chromium fonts-dejavu-core fonts-liberation ripgrep unzip libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config build-essential python3 xz-utils)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "apt-deps: all present (${PACKAGES[*]})"
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi
echo "apt-deps: installing ${missing[*]}"
# Another process may hold the dpkg lock for a while: wait for it instead of failing.
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 update -q
"${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
