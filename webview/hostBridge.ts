// The webview's side of the protocol: requests with ids, each answered with the type
// its request expects (or an error), and every incoming message validated before
// anything looks at it. A request the host leaves unanswered ends with an error.
import { ANSWER_TYPES, hostMessageSchema, type AnswerTo, type HostMessage, type RequestMessage, type WebviewMessage } from '../src/protocol/reviewProtocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

type Pending = (message: HostMessage) => void;
/** A request as the panel writes it: the bridge adds the id. */
export type HostRequest = RequestMessage extends infer M ? (M extends RequestMessage ? Omit<M, 'requestId'> : never) : never;

/**
 * How long a request may wait for its answer. A review says "still saving" long before
 * this; past it, the host is taken to have stopped (its extension host crashed or restarted).
 */
export const ANSWER_TIMEOUT_MS = 60_000;

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

  /** Resolves with the request's answer, or with an error answer (the host's, a mismatched answer, or no answer in time); never rejects. */
  request<M extends HostRequest>(message: M): Promise<AnswerTo<M['type']>> {
    const requestId = this.nextId++;
    const expected: HostMessage['type'] = ANSWER_TYPES[message.type];
    const failed = (reason: string) => ({ type: 'error', requestId, message: reason }) as AnswerTo<M['type']>;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        resolve(failed(`Eval Loop gave no answer to "${message.type}" in ${ANSWER_TIMEOUT_MS / 1000} s; if its extension host restarted, reopen the queue (Eval Loop: Open Review Queue) to see what was done`));
      }, ANSWER_TIMEOUT_MS);
      this.pending.set(requestId, (answer) => {
        clearTimeout(timer);
        resolve(answer.type === expected || answer.type === 'error' ? (answer as AnswerTo<M['type']>) : failed(`Eval Loop answered "${message.type}" with "${answer.type}"`));
      });
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
