#!/usr/bin/env bash
# Builds the distribution from the runnable jar (run by `./mvnw package -Pdist` in herald-dist):
#   target/herald-VERSION-linux-x64.tar.gz  one folder herald-VERSION/ with bin/herald, a jlink'd
#                                           Java runtime, lib/herald.jar, conf/, licences
#   target/herald_DEBVERSION_amd64.deb      the same tree under /usr/lib/herald, a systemd unit
#   target/Dockerfile                       next to the archive, the build context of the image
# Usage: build.sh VERSION CLI_JAR DEPENDENCY_LIST LOCAL_REPOSITORY TARGET_DIR
set -euo pipefail
version=$1 jar=$2 dependencies=$3 repository=$4 target=$5
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)   # herald-dist/src
root=$(cd "$src/../.." && pwd)
. "$root/scripts/jdk.sh"

# The newest JDK links the runtime: its jlink decides the runtime's Java version (>= 17, what
# Herald is compiled for), and newer runtimes are faster and receive fixes longer.
jdk=$(herald_newest_jdk 17)
major=$(herald_jdk_major "$jdk")
echo "herald-dist: linking the runtime with $jdk (Java $major)"

work=$target/dist
name=herald-$version
tree=$work/$name
rm -rf "$work"
mkdir -p "$tree/bin" "$tree/lib" "$tree/conf"

# The modules: what jdeps finds in the runnable jar (which holds every dependency), plus what is
# only reached by reflection, service loading or JNI and so is invisible to it:
#   jdk.crypto.ec    elliptic-curve JWS keys (ES256...) and TLS; an empty module from Java 22 on
#   jdk.unsupported  sun.misc.Unsafe for Netty's direct buffers
#   java.sql         the SQLite JDBC driver (DriverManager)
#   jdk.management   the JVM metrics (com.sun.management) of /metrics
#   jdk.naming.dns   DNS lookups through JNDI (Lettuce's Sentinel and cluster address resolution)
#   jdk.zipfs, jdk.charsets: the zip file system and the extra charsets users may name
found=$("$jdk/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release "$major" "$jar")
# Left out: java.desktop, which only pgjdbc's PGpoint.setLocation(java.awt.Point) reaches (the outbox
# source never reads geometric types; the class loads without it).
found=$(echo "$found" | tr , '\n' | grep -vx java.desktop | paste -sd, -)
extra=jdk.crypto.ec,jdk.unsupported,java.sql,jdk.management,jdk.naming.dns,jdk.zipfs,jdk.charsets
modules=$(echo "$found,$extra" | tr , '\n' | sort -u | paste -sd, -)
echo "herald-dist: modules $modules"
if [ "$major" -ge 21 ]; then compress="--compress=zip-6"; else compress="--compress=2"; fi
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  "$compress" --output "$tree/runtime"
# The native libraries and commands keep a symbol table jlink leaves (Debian policy 10.1 asks for
# stripped binaries; it is also a sixth of the runtime): stripped where binutils exist.
if command -v strip >/dev/null 2>&1; then
  find "$tree/runtime" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jexec -o -name jspawnhelper \) -exec strip --strip-unneeded {} +
fi

# Netty reads memory through sun.misc.Unsafe, which warns from Java 24 on unless allowed; the flag
# exists from 23 on, and the runtime is the bundled one, so the launcher can pass it.
if [ "$major" -ge 23 ]; then unsafe="--sun-misc-unsafe-memory-access=allow"; else unsafe=""; fi
sed "s/@UNSAFE_FLAG@/$unsafe/" "$src/dist/bin/herald" > "$tree/bin/herald"
chmod 0755 "$tree/bin/herald"

cp "$jar" "$tree/lib/herald.jar"
cp "$root/LICENSE" "$tree/LICENSE"
"$jdk/bin/java" "$src/dist/ThirdParty.java" "$dependencies" "$repository" "$tree/THIRD-PARTY.txt" \
  "$src/dist/licenses"

# The starter configuration is what `herald config init` prints, so it lists exactly the options
# of the bundled hub; made by the bundled runtime, which is also a first check that it runs.
"$tree/bin/herald" config init > "$tree/conf/herald.properties"

archive=$target/$name-linux-x64.tar.gz
# Files owned by root (not the builder's uid), in a stable order with fixed times.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@${SOURCE_DATE_EPOCH:-0}" \
  -C "$work" -cf - "$name" | gzip -n -6 > "$archive"
echo "herald-dist: $archive ($(du -h "$archive" | cut -f1); runtime $(du -sh "$tree/runtime" | cut -f1))"

sed "s/@VERSION@/$version/" "$src/docker/Dockerfile" > "$target/Dockerfile"

# The Debian package: the same tree under /usr/lib/herald.
if ! command -v dpkg-deb >/dev/null 2>&1; then
  echo "herald-dist: no dpkg-deb on this machine: no Debian package" >&2
  exit 0
fi
deb_version=${version//-/\~}                   # 0.1.0-SNAPSHOT -> 0.1.0~SNAPSHOT (sorts before 0.1.0)
deb=$work/deb
mkdir -p "$deb/DEBIAN" "$deb/usr/lib" "$deb/usr/bin" "$deb/lib/systemd/system" "$deb/usr/share/doc/herald"
cp -a "$tree" "$deb/usr/lib/herald"
rm -rf "$deb/usr/lib/herald/conf"
ln -s ../lib/herald/bin/herald "$deb/usr/bin/herald"
cp "$src/deb/copyright" "$deb/usr/share/doc/herald/copyright"
# A native package's changelog: one entry for this build (Debian policy 12.7).
{
  echo "herald ($deb_version) unstable; urgency=medium"
  echo
  echo "  * Built from Herald $version (see docs/ in the source repository)."
  echo
  echo " -- $(sed -n 's/^Maintainer: //p' "$src/deb/control")  $(date -R -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}")"
} | gzip -9n > "$deb/usr/share/doc/herald/changelog.gz"
mkdir -p "$deb/usr/share/lintian/overrides"
cp "$src/deb/lintian-overrides" "$deb/usr/share/lintian/overrides/herald"
cp "$tree/THIRD-PARTY.txt" "$root/docs/install.md" "$deb/usr/share/doc/herald/"
mkdir -p "$deb/etc/herald"
cp "$tree/conf/herald.properties" "$deb/etc/herald/herald.properties"
ln -s /etc/herald "$deb/usr/lib/herald/conf"
echo /etc/herald/herald.properties > "$deb/DEBIAN/conffiles"
cp "$src/deb/herald.service" "$deb/lib/systemd/system/herald.service"
for script in postinst prerm postrm; do
  install -m 0755 "$src/deb/$script" "$deb/DEBIAN/$script"
done
size=$(du -sk --exclude=DEBIAN "$deb" | cut -f1)
sed -e "s/@DEB_VERSION@/$deb_version/" -e "s/@INSTALLED_SIZE@/$size/" "$src/deb/control" > "$deb/DEBIAN/control"
chmod -R u+rwX,go+rX,go-w "$deb"
dpkg-deb --root-owner-group -Zxz --build "$deb" "$target/herald_${deb_version}_amd64.deb" >/dev/null
echo "herald-dist: $target/herald_${deb_version}_amd64.deb ($(du -h "$target/herald_${deb_version}_amd64.deb" | cut -f1))"
