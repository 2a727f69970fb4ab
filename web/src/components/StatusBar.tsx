import { useEffect, useState } from 'react';
import type { ApiClient } from '../api/client';
import type { KeyInfo } from '../api/types';
import type { WsState } from '../lib/pushes';
import type { StoredSession } from '../lib/session';
import { useLang } from '../lib/i18n';
import { MarketState } from './MarketState';
import { LangSwitch } from './LangSwitch';

export type OpenDState = 'unknown' | 'up' | 'down';

export function StatusBar(props: {
  api: ApiClient;
  info: KeyInfo | null;
  session: StoredSession;
  wsState: WsState;
  wsDetail: string;
  opend: OpenDState;
  onLogout: () => void;
}) {
  const { api, info, session, wsState, wsDetail, opend, onLogout } = props;
  const { t } = useLang();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  const exp = Date.parse(session.expiresAt || info?.expires_at || '');
  const minutes = Number.isFinite(exp) ? Math.max(0, Math.round((exp - now) / 60_000)) : null;

  return (
    <header className="topbar">
      <h1 className="brand">futugw</h1>
      <div className="badges">
        <span className={`badge ws-${wsState}`} data-testid="ws-status" title={wsDetail || undefined}>
          <span className="dot" /> {t('status.ws')} {t(`status.ws.${wsState}`)}
        </span>
        <span className={`badge opend-${opend}`} data-testid="opend-status">
          <span className="dot" /> {t('status.opend')} {opend === 'up' ? t('status.opend.up') : opend === 'down' ? t('status.opend.down') : '…'}
        </span>
        <MarketState api={api} />
      </div>
      <div className="who">
        {info && (
          <span className="muted" data-testid="key-id" title={info.scopes.join(', ')}>
            {info.parent_id || info.id}
          </span>
        )}
        {minutes !== null && <span className="muted">{t('status.session', { min: minutes })}</span>}
        <LangSwitch />
        <button type="button" onClick={onLogout} data-testid="logout">
          {t('status.logout')}
        </button>
      </div>
    </header>
  );
}
