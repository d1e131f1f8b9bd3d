# Installs what the integration tests drive besides the JVM, when it is missing. Sourced by .ci/run;
# by hand on a new Debian machine: `. scripts/prerequisites.sh && herald_install_redis && herald_install_chromium`.

# Runs apt-get install for the given packages, as root or through sudo.
herald_apt_install() {
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 && sudo="sudo -n"
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "herald: no apt-get to install $*; install it yourself" >&2
    return 1
  fi
  echo "== installing Debian's $* for the tests"
  $sudo apt-get update -qq >/dev/null \
    && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || { echo "herald: installing $* failed" >&2; return 1; }
}

# Debian's redis-server package: the cluster tests start and stop their own redis-server processes.
herald_install_redis() {
  if [ -n "${HERALD_REDIS_SERVER:-}" ] || command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ]; then
    return 0
  fi
  herald_apt_install redis-server
}

# Debian's chromium package (headless browser tests). Needs root or sudo and apt; elsewhere, install
# Chromium yourself and point HERALD_CHROMIUM at it.
herald_install_chromium() {
  if [ -n "${HERALD_CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1; then
    return 0
  fi
  herald_apt_install chromium
}

# Debian's e2fsprogs (mkfs.ext4, e2fsck): the disk-fault tests build a small ext4 image on a loop device
# and turn it read-only. They also mount a tmpfs, which needs root; without either they skip, saying why.
herald_install_disk_tools() {
  if command -v mkfs.ext4 >/dev/null 2>&1 || [ -x /usr/sbin/mkfs.ext4 ] || [ -x /sbin/mkfs.ext4 ]; then
    return 0
  fi
  herald_apt_install e2fsprogs
}

# Debian's lintian: the Debian package's test checks the package with it (policy errors fail it).
herald_install_lintian() {
  if command -v lintian >/dev/null 2>&1; then
    return 0
  fi
  herald_apt_install lintian
}
