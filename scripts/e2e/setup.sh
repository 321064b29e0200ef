#!/usr/bin/env bash
# Installs what the end-to-end test in real VS Code (test/e2e/run.sh) needs, outside the repository:
#   - Debian packages: chromium (the browser), ripgrep (stands in for @vscode/ripgrep's GitHub
#     download), libkrb5-dev (kerberos' native module), and a C++ toolchain for native modules;
#   - in the cache dir: code-server (VS Code for the browser, from the npm registry),
#     playwright-core (drives Debian's chromium) and @vscode/vsce (packages the .vsix).
# Nothing comes from anywhere but the npm registry and Debian's apt. code-server's own postinstall
# would download ripgrep and prebuilt binaries from GitHub, so it runs with --ignore-scripts and
# its steps are done here by hand.
#
# Idempotent: a stamp file (which names the pinned versions) makes a second run a no-op.
#
# Usage: bash scripts/e2e/setup.sh [--force]
# Env:   REALMSCOPE_E2E_DIR  cache dir (default $HOME/.cache/realmscope-e2e)
set -euo pipefail

CS_VERSION=4.100.3     # newest code-server on npm whose engines.node is 20
PW_VERSION=1.65.1      # playwright-core
VSCE_VERSION=3.9.2     # @vscode/vsce 4.x needs Node >= 22

E2E_DIR="${REALMSCOPE_E2E_DIR:-$HOME/.cache/realmscope-e2e}"
TOOLS="$E2E_DIR/tools"
STAMP="$TOOLS/.setup-done-cs$CS_VERSION-pw$PW_VERSION-vsce$VSCE_VERSION"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
log() { printf '[e2e-setup] %s\n' "$*"; }
die() { log "FAILED: $*"; exit 1; }

[ "${1:-}" = "--force" ] && rm -f "$STAMP"
T0=$(now)
mkdir -p "$E2E_DIR"

node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" = 20 ] || die "needs Node 20 (code-server $CS_VERSION declares engines.node 20), found $(node --version)"

# Keep code-server and chromium from writing into $HOME.
export XDG_CONFIG_HOME="$E2E_DIR/xdg/config" XDG_DATA_HOME="$E2E_DIR/xdg/data" XDG_CACHE_HOME="$E2E_DIR/xdg/cache"

# --- Debian packages ------------------------------------------------------------------------------
pkgs=()
[ -x /usr/bin/chromium ] || pkgs+=(chromium)
[ -x /usr/bin/rg ] || pkgs+=(ripgrep)
dpkg-query -W -f='${Status}' libkrb5-dev 2>/dev/null | grep -q 'install ok installed' || pkgs+=(libkrb5-dev)
command -v g++ >/dev/null && command -v make >/dev/null || pkgs+=(build-essential)
command -v python3 >/dev/null || pkgs+=(python3)
command -v curl >/dev/null || pkgs+=(curl)
[ -f /usr/lib/u-boot/qemu_arm64/u-boot.bin ] || pkgs+=(u-boot-qemu)   # the U-Boot session
if [ ${#pkgs[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${pkgs[*]} (run as root, or apt-get install them)"
  ts=$(now)
  log "apt-get install ${pkgs[*]}"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y "${pkgs[@]}" >"$E2E_DIR/apt.log" 2>&1; then
    log "apt-get install failed; apt-get update and retry"
    DEBIAN_FRONTEND=noninteractive apt-get update >>"$E2E_DIR/apt.log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${pkgs[@]}" >>"$E2E_DIR/apt.log" 2>&1 \
      || { tail -20 "$E2E_DIR/apt.log"; die "apt-get install ${pkgs[*]}"; }
  fi
  rm -f "$E2E_DIR/apt.log"
  log "  ... $(since "$ts") s"
fi

if [ -f "$STAMP" ]; then
  log "already set up ($STAMP)"
  exit 0
fi

# --- npm packages in the cache dir ----------------------------------------------------------------
mkdir -p "$TOOLS"
cd "$TOOLS"
[ -f package.json ] || echo '{ "name": "realmscope-e2e-tools", "private": true }' > package.json
ts=$(now)
log "npm install --ignore-scripts code-server@$CS_VERSION playwright-core@$PW_VERSION @vscode/vsce@$VSCE_VERSION (in $TOOLS)"
npm install --ignore-scripts --no-audit --no-fund --loglevel=error \
  "code-server@$CS_VERSION" "playwright-core@$PW_VERSION" "@vscode/vsce@$VSCE_VERSION" >"$TOOLS/npm-install.log" 2>&1 \
  || { tail -20 "$TOOLS/npm-install.log"; die "npm install (log: $TOOLS/npm-install.log)"; }
# argon2: code-server requires it at start-up even with --auth none; compile it, no download attempt.
npm_config_build_from_source=true npm rebuild argon2 >"$TOOLS/argon2.log" 2>&1 \
  || { tail -20 "$TOOLS/argon2.log"; die "argon2 build (log: $TOOLS/argon2.log)"; }
log "  ... $(since "$ts") s"

# --- code-server's postinstall.sh, by hand ---------------------------------------------------------
VS="$TOOLS/node_modules/code-server/lib/vscode"
[ -d "$VS" ] || die "$VS missing after npm install"
cd "$VS"
ts=$(now)
log "lib/vscode: npm install --omit=dev --ignore-scripts"
npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >"$TOOLS/vscode-install.log" 2>&1 \
  || { tail -20 "$TOOLS/vscode-install.log"; die "lib/vscode npm install (log: $TOOLS/vscode-install.log)"; }
# @vscode/ripgrep's postinstall skips its GitHub download when bin/ exists: put Debian's rg there.
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sfn /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
log "  ... $(since "$ts") s"
ts=$(now)
# Native modules (node-pty, @vscode/spdlog, native-watchdog, kerberos, @parcel/watcher, ...):
# build_from_source keeps prebuild-install/node-pre-gyp off GitHub; npm_config_yes lets node-pty's
# postinstall `npx node-gyp` fetch node-gyp from the npm registry instead of aborting.
log "lib/vscode: npm rebuild (native modules; about a minute)"
npm_config_build_from_source=true npm_config_yes=true npm rebuild >"$TOOLS/rebuild.log" 2>&1 \
  || { tail -20 "$TOOLS/rebuild.log"; die "npm rebuild (log: $TOOLS/rebuild.log)"; }
log "  ... $(since "$ts") s"
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
ts=$(now)
log "lib/vscode/extensions: npm install --omit=dev"
(cd extensions && npm install --omit=dev --no-audit --no-fund --loglevel=error >"$TOOLS/extensions-install.log" 2>&1) \
  || { tail -20 "$TOOLS/extensions-install.log"; die "extensions npm install (log: $TOOLS/extensions-install.log)"; }
log "  ... $(since "$ts") s"

# --- smoke check ---------------------------------------------------------------------------------
log "smoke check"
node -e '
  for (const m of ["@vscode/spdlog", "native-watchdog", "@parcel/watcher", "kerberos", "node-pty"]) {
    try { require(m); } catch (e) { console.error("native module " + m + " does not load: " + e.message); process.exit(1); }
  }
  const pty = require("node-pty");
  const p = pty.spawn("/bin/echo", ["pty-ok"], {});
  let out = ""; p.onData(d => out += d);
  p.onExit(() => { if (!out.includes("pty-ok")) { console.error("node-pty cannot run a process"); process.exit(1); } });
' || die "native modules in $VS"
(cd "$TOOLS" && node -e 'require("argon2"); require("playwright-core")') || die "argon2 or playwright-core does not load"
"$TOOLS/node_modules/.bin/vsce" --version >/dev/null || die "vsce does not run"
v="$("$TOOLS/node_modules/.bin/code-server" --version 2>/dev/null | grep -E '^[0-9]+\.[0-9]+' | head -1)"
case "$v" in "$CS_VERSION"*) ;; *) die "code-server --version said: $v" ;; esac
timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu --dump-dom about:blank >/dev/null 2>&1 \
  || die "chromium does not start headless"

touch "$STAMP"
log "setup done in $(since "$T0") s; $(du -sh "$TOOLS/node_modules" | cut -f1) in $TOOLS/node_modules"
