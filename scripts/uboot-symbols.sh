#!/usr/bin/env bash
# Rebuilds, from Debian's own source package, the unstripped ELF (symbols and DWARF) of the U-Boot
# that the installed u-boot-qemu ships for qemu_arm64, the way debian/rules builds it, and proves
# that it is the same program: stripped as debian/rules strips it, it must equal the packaged
# uboot.elf byte for byte, and its u-boot.bin the packaged u-boot.bin. Only then are its symbols
# (board_init_r, relocate_code, ...) and line tables those of the packaged firmware.
#
# Why: debian/rules runs `strip --remove-section=.comment --remove-section=.note` on uboot.elf, so
# the package itself carries no symbol table, and Debian's debug-symbol archive is not reachable
# from this workplace. The Debian build is reproducible (SOURCE_DATE_EPOCH from the changelog), so
# the rebuild gives back the very same bytes.
#
# Result: $DIR/u-boot (the ELF), $DIR/src (the patched source its DWARF points into), and
# $DIR/verified (the checksums), where DIR is $REALMSCOPE_UBOOT_DIR or
# $HOME/.cache/realmscope-uboot/<package version>. A second run is a no-op.
#
# Usage: bash scripts/uboot-symbols.sh [--install] [--force]
#   --install  (as root) add Debian's source archive to apt and install the build's packages:
#              u-boot-qemu, dpkg-dev, gcc-aarch64-linux-gnu, make, bison, flex, bc, libssl-dev.
#   --force    rebuild even if a verified build is there.
set -euo pipefail

PKG_DIR=/usr/lib/u-boot/qemu_arm64
log() { printf '[uboot-symbols] %s\n' "$*"; }
die() { log "FAILED: $*"; exit 1; }

install=0 force=0
for a in "$@"; do
  case "$a" in
    --install) install=1 ;;
    --force) force=1 ;;
    *) die "unknown option $a (use --install, --force)" ;;
  esac
done

verified_dir() {
  version="$(dpkg-query -W -f '${Version}' u-boot-qemu 2>/dev/null)" || return 1
  DIR="${REALMSCOPE_UBOOT_DIR:-$HOME/.cache/realmscope-uboot/$version}"
  [ $force = 0 ] && [ -f "$DIR/verified" ] && [ -f "$DIR/u-boot" ] && [ "$(checksums)" = "$(cat "$DIR/verified")" ]
}
checksums() { (cd "$PKG_DIR" && sha256sum u-boot.bin uboot.elf); }
exit_if_verified() {
  if verified_dir; then log "verified symbols for u-boot-qemu $version are in $DIR"; exit 0; fi
}
# Before --install's apt work: nothing to do once done.
exit_if_verified

if [ $install = 1 ]; then
  [ "$(id -u)" = 0 ] || die "--install needs root (it runs apt-get)"
  # deb-src entries for the archives apt already uses (main, updates, security), so the source of
  # whichever version is installed can be found.
  if ! grep -rqs '^\(Types:.*deb-src\|deb-src \)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
      sed -e 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > /etc/apt/sources.list.d/realmscope-deb-src.sources
    elif grep -qs '^deb ' /etc/apt/sources.list; then
      sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > /etc/apt/sources.list.d/realmscope-deb-src.list
    else
      suite="$(. /etc/os-release && echo "$VERSION_CODENAME")"
      printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$suite" > /etc/apt/sources.list.d/realmscope-deb-src.sources
    fi
    log "added deb-src entries to apt's sources"
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends u-boot-qemu dpkg-dev gcc-aarch64-linux-gnu make bison flex bc libssl-dev libc6-dev xz-utils >/dev/null
fi

exit_if_verified
[ -n "${version:-}" ] || die "u-boot-qemu is not installed (apt-get install u-boot-qemu)"

for cmd in dpkg-source apt-get aarch64-linux-gnu-gcc aarch64-linux-gnu-strip make bison flex bc; do
  command -v "$cmd" >/dev/null || die "$cmd is missing (run this script as root with --install)"
done

T0=$(date +%s)
rm -rf "$DIR"
mkdir -p "$DIR/dl"
log "fetching Debian's source of u-boot $version"
# As root, apt warns that it downloads without its _apt sandbox; that is expected here.
(cd "$DIR/dl" && apt-get source --download-only -qq "u-boot=$version" 2>&1 | grep -v 'unsandboxed as root' || true)
dsc="$DIR/dl/u-boot_${version#*:}.dsc"
[ -f "$dsc" ] || die "could not fetch the source of u-boot $version: apt needs a deb-src entry for Debian's archive (run this script as root with --install)"
dpkg-source --no-check -x "$dsc" "$DIR/src" >/dev/null
rm -rf "$DIR/dl" "$DIR"/u-boot_*.tar.*  # dpkg-source copies the tarballs beside the tree

cd "$DIR/src"
# As debian/rules: the date from the changelog, host tools built with -g and without build paths,
# the Debian revision as CONFIG_LOCALVERSION, the cross compiler named in debian/targets.mk.
export SOURCE_DATE_EPOCH="$(dpkg-parsechangelog -S Timestamp)"
revision="$(echo "$version" | sed -e 's,.*+dfsg,+dfsg,')"
build=debian/build/qemu_arm64
args=(V=0 O="$build" CROSS_COMPILE=aarch64-linux-gnu- HOSTCFLAGS="-g -ffile-prefix-map=$DIR/src=.")
log "building qemu_arm64 (log: $DIR/build.log)"
{
  make "${args[@]}" qemu_arm64_defconfig
  sed -i -e "s,^CONFIG_LOCALVERSION=.*,CONFIG_LOCALVERSION=\"$revision\"," "$build/.config"
  make "${args[@]}" -j"$(nproc)"
} > "$DIR/build.log" 2>&1 || die "the U-Boot build failed; see $DIR/build.log"

aarch64-linux-gnu-strip --remove-section=.comment --remove-section=.note -o "$DIR/uboot-stripped.elf" "$build/u-boot"
cmp "$build/u-boot.bin" "$PKG_DIR/u-boot.bin" || die "the rebuilt u-boot.bin differs from $PKG_DIR/u-boot.bin: its symbols would not describe the packaged firmware"
cmp "$DIR/uboot-stripped.elf" "$PKG_DIR/uboot.elf" || die "the rebuilt uboot.elf, stripped, differs from $PKG_DIR/uboot.elf"
rm "$DIR/uboot-stripped.elf"
cp "$build/u-boot" "$DIR/u-boot"
# Keep the source (the DWARF points into it) and the ELF; the objects are not needed.
find "$build" -name '*.o' -delete
checksums > "$DIR/verified"
log "verified: the rebuilt U-Boot is byte for byte Debian's; symbols in $DIR/u-boot ($(( $(date +%s) - T0 )) s)"
