# Installs what the integration tests drive besides the JVM, when it is missing. Sourced by .ci/run;
# run `. scripts/prerequisites.sh && herald_install_chromium` by hand on a new Debian machine.

# Debian's chromium package (headless browser tests). Needs root or sudo and apt; elsewhere, install
# Chromium yourself and point HERALD_CHROMIUM at it.
herald_install_chromium() {
  if [ -n "${HERALD_CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1; then
    return 0
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 && sudo="sudo -n"
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "herald: no chromium and no apt-get; install Chromium and set HERALD_CHROMIUM" >&2
    return 1
  fi
  echo "== installing Debian's chromium for the browser tests"
  $sudo apt-get update -qq >/dev/null \
    && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null \
    || { echo "herald: installing chromium failed" >&2; return 1; }
}
