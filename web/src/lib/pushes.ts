// The push socket: GET /ws with the key in the Sec-WebSocket-Protocol header
// ("bearer, <key>": not in the URL, so not in access logs), reconnecting with
// exponential backoff. Subscriptions belong to the session on the server, so a
// reconnected socket resumes its stream without re-subscribing.

export type WsState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export type PushFrame =
  | { type: 'quote'; proto_id: number; sec_key: string; body_b64: string }
  | { type: 'trade'; proto_id: number; acc_id: string; body_b64: string }
  | { type: 'notify'; event: string; message: string }
  /** Ticks the server dropped for this socket (it was too slow), named before that security's next tick. */
  | { type: 'gap'; proto_id: number; sec_key: string; missed: number };

export type PushEvents = {
  onFrame: (f: PushFrame) => void;
  onState: (s: WsState, detail?: string) => void;
  /** The server closed with 4001 (expired) or 4003 (revoked) for the current key. */
  onKeyEnded: (code: number, reason: string) => void;
};

/** backoffDelay: 0.5 s doubling to 15 s, with ±20% jitter. */
export function backoffDelay(attempt: number, rand: () => number = Math.random): number {
  const base = Math.min(15_000, 500 * 2 ** attempt);
  return Math.round(base * (0.8 + 0.4 * rand()));
}

export function wsURL(loc: Location): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/ws`;
}

export class PushSocket {
  private ws: WebSocket | null = null;
  private key: string;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private readonly url: string;
  private readonly ev: PushEvents;

  constructor(url: string, key: string, ev: PushEvents) {
    this.url = url;
    this.key = key;
    this.ev = ev;
  }

  start() {
    this.closed = false;
    this.connect();
  }

  /** setKey switches to a refreshed key: the socket reconnects with it at once. */
  setKey(key: string) {
    if (key === this.key) return;
    this.key = key;
    this.attempt = 0;
    this.reopen();
  }

  stop() {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000, 'logout');
    this.ev.onState('closed');
  }

  private reopen() {
    if (this.closed) return;
    const old = this.ws;
    this.ws = null;
    old?.close(1000, 'key rotated');
    if (this.timer) clearTimeout(this.timer);
    this.connect();
  }

  private connect() {
    if (this.closed) return;
    this.ev.onState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const key = this.key;
    const ws = new WebSocket(this.url, ['bearer', key]);
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      this.ev.onState('open');
    };
    ws.onmessage = (m) => {
      if (this.ws !== ws || typeof m.data !== 'string') return;
      let f: PushFrame;
      try {
        f = JSON.parse(m.data) as PushFrame;
      } catch {
        return;
      }
      this.ev.onFrame(f);
    };
    ws.onclose = (c) => {
      if (this.ws !== ws) return; // replaced on purpose
      this.ws = null;
      if (this.closed) return;
      if ((c.code === 4001 || c.code === 4003) && key === this.key) {
        this.closed = true;
        this.ev.onState('closed', c.reason);
        this.ev.onKeyEnded(c.code, c.reason);
        return;
      }
      const delay = backoffDelay(this.attempt++);
      this.ev.onState('reconnecting', `retry in ${(delay / 1000).toFixed(1)} s`);
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }
}
