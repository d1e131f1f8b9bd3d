# shellcheck shell=bash
# Finds JDKs for Herald's scripts (the CI script now, the ./herald launcher later).
# Source it, then:
#   herald_jdk_major HOME   -> the major version of the JDK at HOME (empty if not a JDK)
#   herald_newest_jdk [MIN] -> the home of the newest JDK >= MIN (default 17) found in
#                              $JAVA_HOME, on the PATH, or under /usr/lib/jvm and /opt; fails if none

herald_jdk_major() {
  local home=$1 version
  [ -x "$home/bin/javac" ] && [ -x "$home/bin/java" ] || return 1
  if [ -f "$home/release" ]; then
    version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
  fi
  if [ -z "${version:-}" ]; then
    version=$("$home/bin/java" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
  fi
  version=${version#1.}            # 1.8 -> 8
  version=${version%%[!0-9]*}      # 17.0.15 -> 17
  [ -n "$version" ] || return 1
  echo "$version"
}

herald_newest_jdk() {
  local min=${1:-17} best="" best_major=0 candidate major real
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    real=$(readlink -f "$(command -v javac)")
    candidates+=("${real%/bin/javac}")
  fi
  for candidate in /usr/lib/jvm/* /opt/*jdk* /opt/java/*; do
    [ -d "$candidate" ] && candidates+=("$candidate")
  done
  for candidate in "${candidates[@]}"; do
    candidate=$(readlink -f "$candidate")
    major=$(herald_jdk_major "$candidate") || continue
    if [ "$major" -ge "$min" ] && [ "$major" -gt "$best_major" ]; then
      best=$candidate
      best_major=$major
    fi
  done
  if [ -z "$best" ]; then
    echo "herald: no JDK $min or newer found (looked at JAVA_HOME, PATH, /usr/lib/jvm, /opt)." >&2
    echo "herald: install one, e.g. 'apt-get install openjdk-17-jdk-headless', or set JAVA_HOME." >&2
    return 1
  fi
  echo "$best"
}
