#!/usr/bin/env bash
# Installs every Debian package ctxlint and the ctx runtime need to build and test: the
# compilers, libclang 14 (Debian's default) and 19, the libraries (cmocka, libyaml, jansson,
# xxHash), valgrind, and the real clients the integration tests drive (pre-commit, Vim, the
# SARIF validator from npm, Neovim for the language server).
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
packages=(
  build-essential cmake ninja-build pkg-config git clang clang-format
  libclang-14-dev libclang-common-14-dev libclang-rt-14-dev clang-14
  libclang-19-dev libclang-common-19-dev llvm-19-dev
  libcmocka-dev libyaml-dev libjansson-dev libxxhash-dev
  valgrind python3
  pre-commit vim libicu72 neovim
  time clang-tidy bear # bench/lint/run.sh: peak memory, a reference linter, outside projects' databases
)
# The SARIF validator is an npm package: Debian's node and npm, unless a node with npm is
# already there (NodeSource's nodejs bundles npm and conflicts with Debian's npm package).
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi
if [ -n "${CTXLINT_EXTRA_PACKAGES:-}" ]; then
  # shellcheck disable=SC2206
  packages+=(${CTXLINT_EXTRA_PACKAGES})
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}"
# The official SARIF validator into build-tools/sarif/ (CMake finds it there).
bash "$(dirname "$0")/install-sarif-validator.sh" >/dev/null
