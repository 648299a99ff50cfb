#!/usr/bin/env bash
# Installs the official SARIF validator (npm @microsoft/sarif-multitool, a .NET single-file
# program) into build-tools/sarif/ (not committed) and prints the path of its binary, which
# CMake finds there (SARIF_MULTITOOL) to register the SARIF validation test.
# npm may skip the package's install script, so the bundled binary is made executable here and
# called directly. It needs ICU (Debian libicu) or DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=build-tools/sarif
version=${SARIF_MULTITOOL_VERSION:-5.7.0}
mkdir -p "$dest"
if [ ! -f "$dest/package.json" ]; then
  echo '{"name": "ctxlint-build-tools-sarif", "private": true}' >"$dest/package.json"
fi
npm install --prefix "$dest" --no-audit --no-fund --loglevel=error \
  "@microsoft/sarif-multitool@${version}" "@microsoft/sarif-multitool-linux@${version}" >&2
bin=$(find "$dest/node_modules/@microsoft/sarif-multitool-linux" -type f -name Sarif.Multitool -print -quit)
if [ -z "$bin" ]; then
  echo "install-sarif-validator: Sarif.Multitool binary not found under $dest" >&2
  exit 1
fi
chmod +x "$bin"
if ! DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$bin" --version >/dev/null 2>&1; then
  echo "install-sarif-validator: $bin does not run" >&2
  exit 1
fi
echo "$PWD/$bin"
