#!/usr/bin/env bash
# End-to-end test of the Realmscope extension in real VS Code (`npm run test:e2e`):
#   1. scripts/e2e/setup.sh (a no-op once done): code-server, playwright-core, vsce, chromium
#   2. build the .vsix and install it into a fresh code-server extensions dir
#   3. write a workspace (examples/realm, test/fixtures/bin, .vscode/launch.json); U-Boot's symbols
#      (scripts/uboot-symbols.sh, a no-op once done)
#   4. start code-server on 127.0.0.1 (--auth none, a free port), wait for /healthz
#   5. run test/e2e/e2e.mjs (playwright-core + Debian chromium, headless), which drives the UI
#   6. stop the server (its own process tree only); exit non-zero on any failure
#
# Env: REALMSCOPE_E2E_DIR  cache dir of setup.sh (default $HOME/.cache/realmscope-e2e); this
#                          run's files go to $REALMSCOPE_E2E_DIR/run (server log, screenshots)
#      REALMSCOPE_E2E_PORT  port (default: a free one)
#      REALMSCOPE_E2E_SHOTS where the README screenshots go (default docs/images)
#      REALMSCOPE_E2E_VSIX  test this .vsix instead of building one
#      REALMSCOPE_E2E_HEADED=1  show the browser (needs a display)
set -euo pipefail

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
E2E_DIR="${REALMSCOPE_E2E_DIR:-$HOME/.cache/realmscope-e2e}"
TOOLS="$E2E_DIR/tools"
RUNS="$E2E_DIR/runs"
SHOTS="${REALMSCOPE_E2E_SHOTS:-$REPO/docs/images}"
UBOOT=/usr/lib/u-boot/qemu_arm64/u-boot.bin

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
log() { printf '[e2e] %s\n' "$*"; }
fail() { log "FAILED: $*"; exit 1; }
T0=$(now)

# code-server and chromium write under XDG dirs; keep them out of $HOME.
export XDG_CONFIG_HOME="$E2E_DIR/xdg/config" XDG_DATA_HOME="$E2E_DIR/xdg/data" XDG_CACHE_HOME="$E2E_DIR/xdg/cache"

# --- 1. tools -------------------------------------------------------------------------------------
bash "$REPO/scripts/e2e/setup.sh"
CS="$TOOLS/node_modules/.bin/code-server"
VSCE="$TOOLS/node_modules/.bin/vsce"
[ -x "$CS" ] || fail "code-server missing at $CS (scripts/e2e/setup.sh --force)"
[ -x "$VSCE" ] || fail "vsce missing at $VSCE (scripts/e2e/setup.sh --force)"
[ -f "$UBOOT" ] || fail "$UBOOT missing (apt-get install u-boot-qemu)"
# U-Boot's symbols for the source-level U-Boot session (a no-op once built and verified).
if [ "$(id -u)" = 0 ]; then uboot_args=(--install); else uboot_args=(); fi
bash "$REPO/scripts/uboot-symbols.sh" "${uboot_args[@]}" || fail "U-Boot's symbols (scripts/uboot-symbols.sh)"
UBOOT_SYMS="${REALMSCOPE_UBOOT_DIR:-$HOME/.cache/realmscope-uboot/$(dpkg-query -W -f '${Version}' u-boot-qemu)}"
[ -f "$REPO/examples/realm/realm-hello.elf" ] || fail "examples/realm/realm-hello.elf missing"

mkdir -p "$RUNS"
RUN="$(mktemp -d "$RUNS/run.XXXXXX")"
mkdir -p "$RUN/ud/User" "$RUN/ext" "$RUN/ws/.vscode" "$RUN/shots" "$SHOTS"

# --- 2. the .vsix ---------------------------------------------------------------------------------
ts=$(now)
cd "$REPO"
[ -d node_modules ] || fail "node_modules missing: run npm ci first"
# vsce from the cache dir is on PATH, so `npm run package` works whether or not the project has it.
export PATH="$TOOLS/node_modules/.bin:$PATH"
VSIX="$RUN/realmscope.vsix"
if [ -n "${REALMSCOPE_E2E_VSIX:-}" ]; then
  log "using the given .vsix $REALMSCOPE_E2E_VSIX"
  cp "$REALMSCOPE_E2E_VSIX" "$VSIX"
elif node -e 'process.exit(require("./package.json").scripts?.package ? 0 : 1)'; then
  log "npm run package"
  marker="$RUN/.before-package"; touch "$marker"
  npm run package >"$RUN/package.log" 2>&1 || { tail -30 "$RUN/package.log"; fail "npm run package (log: $RUN/package.log)"; }
  # The newest .vsix written by it (anywhere in the repo, outside node_modules).
  built="$(find "$REPO" -path "$REPO/node_modules" -prune -o -name '*.vsix' -newer "$marker" -print 2>/dev/null | head -1)"
  [ -n "$built" ] || fail "npm run package wrote no .vsix (log: $RUN/package.log)"
  cp "$built" "$VSIX"
else
  log "no package script yet: node scripts/build.mjs && vsce package"
  { node scripts/build.mjs && vsce package --allow-missing-repository --skip-license -o "$VSIX"; } >"$RUN/package.log" 2>&1 \
    || { tail -30 "$RUN/package.log"; fail "building the .vsix (log: $RUN/package.log)"; }
fi
log ".vsix: $(du -k "$VSIX" | cut -f1) KiB, built in $(since "$ts") s"

"$CS" --user-data-dir "$RUN/ud" --extensions-dir "$RUN/ext" --install-extension "$VSIX" --force >"$RUN/install.log" 2>&1 \
  || { cat "$RUN/install.log"; fail "code-server --install-extension"; }
ls "$RUN/ext" | grep -qi realmscope || { cat "$RUN/install.log"; fail "the extension is not in $RUN/ext after --install-extension"; }

# --- 3. the workspace -----------------------------------------------------------------------------
WS="$RUN/ws"
mkdir -p "$WS/examples" "$WS/test/fixtures"
cp -r "$REPO/examples/realm" "$WS/examples/realm"
cp -r "$REPO/test/fixtures/bin" "$WS/test/fixtures/bin"
cat > "$WS/.vscode/launch.json" <<EOF
{
  "version": "0.2.0",
  "configurations": [
    {
      "type": "realmscope",
      "request": "launch",
      "name": "Realm: realm-hello",
      "program": "\${workspaceFolder}/examples/realm/realm-hello.elf",
      "realm": {},
      "stopOnEntry": false
    },
    {
      "type": "realmscope",
      "request": "launch",
      "name": "U-Boot",
      "program": "$UBOOT",
      "format": "bios",
      "ram": "512M",
      "uart": "terminal"
    },
    {
      "type": "realmscope",
      "request": "launch",
      "name": "U-Boot with symbols",
      "program": "$UBOOT",
      "format": "bios",
      "ram": "512M",
      "symbols": ["$UBOOT_SYMS/u-boot"],
      "cwd": "$UBOOT_SYMS/src"
    }
  ]
}
EOF
# Server-side user settings: no welcome page, no gallery/update/telemetry lookups, the DOM
# terminal renderer (its text is readable in the page), no restored editors or terminals.
cat > "$RUN/ud/User/settings.json" <<'EOF'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "security.workspace.trust.enabled": false,
  "terminal.integrated.gpuAcceleration": "off",
  "terminal.integrated.enablePersistentSessions": false,
  "debug.toolBarLocation": "floating",
  "debug.openDebug": "openOnDebugBreak",
  "window.restoreWindows": "none",
  "chat.disableAIFeatures": true,
  "git.enabled": false
}
EOF

# --- 4. code-server -------------------------------------------------------------------------------
PORT="${REALMSCOPE_E2E_PORT:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}"
SERVER_PID=""
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  # The whole tree under our code-server (server, extension hosts, pty hosts, watchers), recorded
  # before the signal, so that nothing it started outlives the test.
  local pids="$SERVER_PID" frontier="$SERVER_PID" next p
  while [ -n "$frontier" ]; do
    next=""
    for p in $frontier; do next="$next $(pgrep -P "$p" 2>/dev/null | tr '\n' ' ' || true)"; done
    next="$(echo $next)"; [ -n "$next" ] && pids="$pids $next"; frontier="$next"
  done
  kill -TERM $pids 2>/dev/null || true
  for _ in $(seq 1 100); do
    local alive=""
    for p in $pids; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
    [ -z "$alive" ] && break
    sleep 0.1
  done
  for p in $pids; do kill -KILL "$p" 2>/dev/null || true; done
  SERVER_PID=""
}
trap stop_server EXIT
trap 'exit 130' INT TERM

ts=$(now)
"$CS" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override --ignore-last-opened \
  --user-data-dir "$RUN/ud" --extensions-dir "$RUN/ext" "$WS" >"$RUN/server.log" 2>&1 &
SERVER_PID=$!
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz"; do
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$RUN/server.log"; SERVER_PID=""; fail "code-server exited"; }
  [ "$(since "$ts" | cut -d. -f1)" -lt 60 ] || fail "code-server not answering /healthz after 60 s (log: $RUN/server.log)"
  sleep 0.2
done
log "code-server listening on 127.0.0.1:$PORT after $(since "$ts") s (pid $SERVER_PID)"

# --- 5. the UI test -------------------------------------------------------------------------------
rc=0
ts=$(now)
NODE_PATH="$TOOLS/node_modules" node "$REPO/test/e2e/e2e.mjs" \
  --url "http://127.0.0.1:$PORT/?folder=$WS" --workspace "$WS" --shots "$SHOTS" --debug-shots "$RUN/shots" \
  --playwright "$TOOLS/node_modules/playwright-core/index.js" --profile "$RUN/chromium" || rc=$?
log "browser session: $(since "$ts") s"
stop_server
if [ "$rc" != 0 ]; then
  log "server log: $RUN/server.log; full-window screenshots: $RUN/shots"
  log "FAILED after $(since "$T0") s total"
  exit "$rc"
fi
rm -rf "$RUN"
log "passed; total run time $(since "$T0") s; screenshots in ${SHOTS#$REPO/}"
