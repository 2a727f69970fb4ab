import { useEffect, useState } from 'react';
import type { KeyInfo } from '../api/types';
import type { WsState } from '../lib/pushes';
import type { StoredSession } from '../lib/session';

export type OpenDState = 'unknown' | 'up' | 'down';

const WS_LABEL: Record<WsState, string> = {
  connecting: 'connecting',
  open: 'live',
  reconnecting: 'reconnecting',
  closed: 'offline',
};

export function StatusBar(props: {
  info: KeyInfo | null;
  session: StoredSession;
  wsState: WsState;
  wsDetail: string;
  opend: OpenDState;
  onLogout: () => void;
}) {
  const { info, session, wsState, wsDetail, opend, onLogout } = props;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(t);
  }, []);
  const exp = Date.parse(session.expiresAt || info?.expires_at || '');
  const minutes = Number.isFinite(exp) ? Math.max(0, Math.round((exp - now) / 60_000)) : null;

  return (
    <header className="topbar">
      <div className="brand">futugw</div>
      <div className="badges">
        <span className={`badge ws-${wsState}`} data-testid="ws-status" title={wsDetail || undefined}>
          <span className="dot" /> WS {WS_LABEL[wsState]}
        </span>
        <span className={`badge opend-${opend}`} data-testid="opend-status">
          <span className="dot" /> OpenD {opend === 'up' ? 'connected' : opend === 'down' ? 'disconnected' : '…'}
        </span>
      </div>
      <div className="who">
        {info && (
          <span className="muted" data-testid="key-id" title={info.scopes.join(', ')}>
            {info.parent_id || info.id}
          </span>
        )}
        {minutes !== null && <span className="muted">session {minutes} min</span>}
        <button type="button" onClick={onLogout} data-testid="logout">
          Log out
        </button>
      </div>
    </header>
  );
}
