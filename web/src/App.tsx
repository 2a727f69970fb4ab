// The panel's shell: login until a session key exists, then the trading panel.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiClient, userMessage } from './api/client';
import type { SessionResponse } from './api/types';
import { clearSession, loadSession, saveSession, takeFragmentKey, type StoredSession } from './lib/session';
import { Login } from './components/Login';
import { Panel } from './components/Panel';
import { Toasts, useToasts } from './components/Toasts';

export function App() {
  const [session, setSession] = useState<StoredSession | null>(() => {
    const fromFragment = takeFragmentKey(window.location, window.history);
    if (fromFragment) return saveSession(sessionStorage, fromFragment);
    return loadSession(sessionStorage);
  });
  const [loginMessage, setLoginMessage] = useState<string>('');
  const toasts = useToasts();

  const endSession = useCallback((message: string) => {
    clearSession(sessionStorage);
    setSession(null);
    setLoginMessage(message);
  }, []);

  const api = useMemo(
    () =>
      new ApiClient({
        token: () => loadSession(sessionStorage)?.key ?? null,
        // A 401 that lands after the session already ended (a request still in flight
        // during logout) must not replace the logout message.
        onUnauthorized: () => {
          if (loadSession(sessionStorage)) endSession('session expired, please log in again');
        },
      }),
    [endSession],
  );

  // Keep the tab title honest about the state.
  useEffect(() => {
    document.title = session ? 'futugw panel' : 'futugw panel · log in';
  }, [session]);

  const login = useCallback(
    async (pasted: string) => {
      try {
        const r = await api.request<SessionResponse>('POST', '/api/auth/session', {}, { key: pasted });
        setLoginMessage('');
        setSession(saveSession(sessionStorage, r.key, r.info));
      } catch (e) {
        setLoginMessage(userMessage(e, 'open a browser session').replace('session expired, please log in again', 'this key is not valid (expired, revoked or mistyped)'));
      }
    },
    [api],
  );

  return (
    <>
      {session ? (
        <Panel
          api={api}
          session={session}
          onSession={setSession}
          onEnd={endSession}
          toast={toasts.push}
        />
      ) : (
        <Login message={loginMessage} onLogin={login} />
      )}
      <Toasts toasts={toasts.list} onDismiss={toasts.dismiss} />
    </>
  );
}
