// A stand-in for the `vscode` module, for small adapter tests of the extension's start-up
// and store session: every API call succeeds, and what the extension registers (commands,
// tree providers) and shows (messages) is recorded. `vscode` itself exists only inside
// VS Code.
import Module from 'node:module';

export interface Recorded {
  commands: Map<string, (...args: unknown[]) => unknown>;
  trees: Map<string, { getChildren(node?: unknown): Promise<unknown[]> }>;
  /** The webview panel types a serializer was registered for. */
  serializers: Set<string>;
  messages: string[];
}

class EventEmitter<T> {
  private listeners: ((e: T) => void)[] = [];
  readonly event = (listener: (e: T) => void) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(e: T): void {
    for (const l of this.listeners) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

class Disposable {
  constructor(private readonly onDispose: () => void) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.onDispose();
  }
}

/** Anything else the extension touches: callable, constructible, every property another stand-in. */
function anything(): unknown {
  const fn = function () {};
  return new Proxy(fn, {
    get: (_t, prop) => (prop === 'then' ? undefined : prop === Symbol.iterator ? function* () {} : anything()),
    set: () => true,
    apply: () => anything(),
    construct: () => anything() as object,
  });
}

/** `api` with anything it does not define answered by `anything()` (events, collections, providers). */
function withFallback<T extends object>(api: T): T {
  return new Proxy(api, { get: (target, prop) => (prop in target ? (target as Record<string | symbol, unknown>)[prop] : anything()) });
}

/** Installs the stand-in for `require('vscode')` with one workspace folder at `root`. */
export function installVscodeStandIn(root: string, settings: Record<string, unknown> = {}): Recorded {
  const recorded: Recorded = { commands: new Map(), trees: new Map(), serializers: new Set(), messages: [] };
  const uri = (path: string) => ({ scheme: 'file', fsPath: path, path, toString: () => `file://${path}` });
  const vscode = {
    EventEmitter,
    Disposable,
    RelativePattern: class {},
    TreeItem: class {},
    ThemeIcon: class {},
    ThemeColor: class {},
    MarkdownString: class {},
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    ProgressLocation: { Notification: 15 },
    ViewColumn: { Active: -1, Beside: -2 },
    Uri: { file: uri, joinPath: (base: { fsPath: string }, ...parts: string[]) => uri([base.fsPath, ...parts].join('/')), from: (u: { path: string }) => uri(u.path) },
    commands: {
      registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
        recorded.commands.set(id, handler);
        return new Disposable(() => recorded.commands.delete(id));
      },
      executeCommand: async (id: string, ...args: unknown[]) => recorded.commands.get(id)?.(...args),
    },
    window: withFallback({
      createOutputChannel: () => ({ appendLine: () => undefined, show: () => undefined, dispose: () => undefined }),
      createTreeView: (id: string, options: { treeDataProvider: Recorded['trees'] extends Map<string, infer P> ? P : never }) => {
        recorded.trees.set(id, options.treeDataProvider);
        return { dispose: () => undefined, badge: undefined };
      },
      createStatusBarItem: () => ({ show: () => undefined, hide: () => undefined, dispose: () => undefined }),
      registerWebviewPanelSerializer: (viewType: string) => {
        recorded.serializers.add(viewType);
        return new Disposable(() => recorded.serializers.delete(viewType));
      },
      showInformationMessage: async (message: string) => {
        recorded.messages.push(message);
        return undefined;
      },
      showWarningMessage: async (message: string) => {
        recorded.messages.push(message);
        return undefined;
      },
      showErrorMessage: async (message: string) => {
        recorded.messages.push(message);
        return undefined;
      },
      withProgress: async (_options: unknown, task: (progress: { report(): void }) => Promise<unknown>) => task({ report: () => undefined }),
    }),
    workspace: withFallback({
      workspaceFolders: [{ uri: uri(root), name: 'test', index: 0 }],
      isTrusted: true,
      getConfiguration: () => ({ get: (key: string, fallback?: unknown) => (key in settings ? settings[key] : fallback) }),
      createFileSystemWatcher: () => {
        const subscribed = () => new Disposable(() => undefined);
        return { onDidCreate: subscribed, onDidChange: subscribed, onDidDelete: subscribed, dispose: () => undefined };
      },
      onDidChangeConfiguration: () => new Disposable(() => undefined),
      onDidGrantWorkspaceTrust: () => new Disposable(() => undefined),
      registerTextDocumentContentProvider: () => new Disposable(() => undefined),
      findFiles: async () => [],
      asRelativePath: (path: string) => path,
      textDocuments: [],
    }),
    languages: anything(),
    env: anything(),
    extensions: anything(),
  };
  const FAKE_ID = '\u0000vscode-stand-in';
  const resolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const resolveFilename = resolver._resolveFilename;
  resolver._resolveFilename = (request, ...rest) => (request === 'vscode' ? FAKE_ID : resolveFilename(request, ...rest));
  require.cache[FAKE_ID] = { id: FAKE_ID, filename: FAKE_ID, loaded: true, exports: vscode } as unknown as NodeJS.Module;
  return recorded;
}
