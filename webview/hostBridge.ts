// The webview's side of the protocol: requests with ids, answers matched back, and
// every incoming message validated before anything looks at it.
import { hostMessageSchema, type HostMessage, type WebviewMessage } from '../src/protocol/reviewProtocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

type Pending = (message: HostMessage) => void;
type Request = WebviewMessage extends infer M ? (M extends { requestId: number } ? Omit<M, 'requestId'> : never) : never;

export class HostBridge {
  private readonly api = acquireVsCodeApi();
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private listeners: ((message: HostMessage) => void)[] = [];
  rejected = 0;

  constructor() {
    window.addEventListener('message', (event: MessageEvent) => {
      const parsed = hostMessageSchema.safeParse(event.data);
      if (!parsed.success) {
        this.rejected++;
        return; // not ours, or malformed: ignored
      }
      const message = parsed.data;
      if ('requestId' in message && message.requestId !== undefined) {
        const resolve = this.pending.get(message.requestId);
        if (resolve) {
          this.pending.delete(message.requestId);
          resolve(message);
          return;
        }
      }
      for (const l of this.listeners) l(message);
    });
  }

  on(listener: (message: HostMessage) => void): void {
    this.listeners.push(listener);
  }

  send(message: Extract<WebviewMessage, { type: 'ready' | 'openSource' | 'openDiff' | 'goToDefinition' }>): void {
    this.api.postMessage(message);
  }

  request(message: Request): Promise<HostMessage> {
    const requestId = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(requestId, resolve);
      this.api.postMessage({ ...message, requestId });
    });
  }

  get state(): unknown {
    return this.api.getState();
  }

  set state(value: unknown) {
    this.api.setState(value);
  }
}
