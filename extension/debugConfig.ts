// The debugger's configurations and how the adapter is served: inline in the extension host by
// default, or as a separate process, `node dist/dap.js` (setting `realmscope.adapter`: "executable").

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { DEBUG_TYPE } from './client';
import { configurationForImage, orderImages, ubootWithSymbolsConfiguration, DEBIAN_UBOOT } from './launchConfigs';
import { ExtensionDebugSession } from './uartTerminal';

async function findImages(folder: vscode.WorkspaceFolder | undefined): Promise<string[]> {
  const pattern = folder ? new vscode.RelativePattern(folder, '**/*.{fd,elf}') : '**/*.{fd,elf}';
  const uris = await vscode.workspace.findFiles(pattern, '**/node_modules/**', 200);
  return orderImages(uris.map(u => folder ? path.relative(folder.uri.fsPath, u.fsPath) : vscode.workspace.asRelativePath(u, false)));
}

/** A folder of ~/.cache/realmscope-uboot that scripts/uboot-symbols.sh built and verified, if
 *  Debian's U-Boot is installed too. */
function ubootSymbolsDir(): string | undefined {
  if (!fs.existsSync(DEBIAN_UBOOT)) return undefined;
  const root = path.join(os.homedir(), '.cache', 'realmscope-uboot');
  let versions: string[] = [];
  try { versions = fs.readdirSync(root).sort().reverse(); } catch { return undefined; }
  return versions.map(v => path.join(root, v)).find(d => fs.existsSync(path.join(d, 'verified')) && fs.existsSync(path.join(d, 'u-boot')));
}

/** Offers ready configurations for the images in the workspace (launch.json creation and the
 *  dynamic list), fills in a configuration when there is no launch.json, and defaults `cwd`. */
export class RealmscopeConfigurationProvider implements vscode.DebugConfigurationProvider {
  async provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): Promise<vscode.DebugConfiguration[]> {
    const images = await findImages(folder);
    const uboot = ubootSymbolsDir();
    const extra = uboot ? [ubootWithSymbolsConfiguration(uboot)] : [];
    if (images.length === 0) {
      return [{ type: DEBUG_TYPE, request: 'launch', name: 'Realmscope: Realm firmware', program: '${workspaceFolder}/firmware.elf', realm: {}, stopOnEntry: true }, ...extra];
    }
    return [...images.slice(0, 20).map(configurationForImage), ...extra];
  }

  async resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    if (!config.type && !config.request && !config.name) {
      // F5 without a launch.json: the first image of the workspace.
      const first = (await findImages(folder))[0];
      if (!first) {
        void vscode.window.showInformationMessage('Realmscope: no .elf or .fd image in the workspace. Add a "realmscope" configuration to launch.json with "program".');
        return undefined;
      }
      config = configurationForImage(first);
    }
    if (config.cwd === undefined && folder) config.cwd = folder.uri.fsPath;
    return config;
  }
}

export class RealmscopeAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly extensionPath: string, private readonly log: vscode.LogOutputChannel) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    const cfg = vscode.workspace.getConfiguration('realmscope');
    if (cfg.get<string>('adapter', 'inline') === 'executable') {
      const node = cfg.get<string>('nodePath', 'node') || 'node';
      const args = [path.join(this.extensionPath, 'dist', 'dap.js')];
      this.log.info(`session "${session.name}": adapter executable ${node} ${args.join(' ')}`);
      return new vscode.DebugAdapterExecutable(node, args, { cwd: session.workspaceFolder?.uri.fsPath });
    }
    this.log.info(`session "${session.name}": adapter inline`);
    return new vscode.DebugAdapterInlineImplementation(new ExtensionDebugSession());
  }
}

export function registerDebugger(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const provider = new RealmscopeConfigurationProvider();
  return [
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider, vscode.DebugConfigurationProviderTriggerKind.Initial),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, { provideDebugConfigurations: f => provider.provideDebugConfigurations(f) }, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new RealmscopeAdapterFactory(context.extensionPath, log)),
  ];
}
