#!/usr/bin/env bash
# Installs the system packages the backend needs at runtime and in CI:
#   - openssl (CLI, OpenSSL 3)
#   - libengine-gost-openssl (Debian's GOST engine: GOST R 34.10-2012 / 34.11-2012 "Streebog")
#   - with --with-browser: chromium (headless browser for test/browser/*, driven by playwright-core
#     at /usr/bin/chromium) — the tests need it, running the service does not
# Idempotent, quiet when everything is already present. Must run as root (or via sudo).
# Then checks that `openssl ... -engine gost` actually works and fails loudly otherwise.
set -euo pipefail

PACKAGES=(openssl libengine-gost-openssl)
WITH_BROWSER=false
for a in "$@"; do
  case "$a" in
    --with-browser) WITH_BROWSER=true; PACKAGES+=(chromium) ;;
    *) echo "usage: $0 [--with-browser]" >&2; exit 2 ;;
  esac
done

log() { printf '[install-system-deps] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} > 0)); then
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install manually: ${missing[*]}"
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "must run as root to install: ${missing[*]}"
    SUDO=(sudo)
  fi
  log "installing: ${missing[*]}"
  apt_log=$(mktemp)
  trap 'rm -f "$apt_log"' EXIT
  if ! { "${SUDO[@]}" apt-get update -qq &&
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1; then
    cat "$apt_log" >&2
    die "apt-get failed to install: ${missing[*]}"
  fi
fi

# --- verification -----------------------------------------------------------
command -v openssl >/dev/null 2>&1 || die "openssl CLI not on PATH"

if ! out=$(openssl engine -t gost 2>&1); then
  die "OpenSSL cannot load the 'gost' engine (openssl engine -t gost failed):
${out}
Is libengine-gost-openssl installed for this OpenSSL ($(openssl version))? $(openssl version -e)"
fi
grep -q '\[ available \]' <<<"$out" || die "'gost' engine loaded but reports unavailable:
${out}"

# Functional check: Streebog-256 of the empty string (GOST R 34.11-2012 test vector).
expected='3f539a213e97c802cc229d474c6aa32a825a360b2a933a949fd925208d9ce1bb'
actual=$(printf '' | openssl dgst -engine gost -md_gost12_256 -r 2>/dev/null | awk '{print $1}') || true
[[ "$actual" == "$expected" ]] || die "GOST R 34.11-2012 (md_gost12_256) self-test failed: got '${actual:-<nothing>}'"

# Headless browser for the browser tests (test/browser/*).
$WITH_BROWSER || exit 0
[[ -x /usr/bin/chromium ]] || die "chromium is not installed at /usr/bin/chromium"
chromium --headless --no-sandbox --version >/dev/null 2>&1 || die "chromium is installed but does not start: $(chromium --headless --no-sandbox --version 2>&1 | tail -3)"
