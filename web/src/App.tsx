// The panel's shell: login until a session key exists, then the trading panel.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiClient } from './api/client';
import { tr } from './lib/i18n';
import type { SessionResponse } from './api/types';
import { clearSession, keyRefusal, loadSession, saveSession, switchSession, takeFragmentKey, watchFragment, type StoredSession } from './lib/session';
import { Login } from './components/Login';
import { Panel } from './components/Panel';
import { Toasts, useToasts } from './components/Toasts';

export function App() {
  const [session, setSession] = useState<StoredSession | null>(() => {
    const fromFragment = takeFragmentKey(window.location, window.history);
    if (fromFragment) return saveSession(sessionStorage, fromFragment);
    return loadSession(sessionStorage);
  });
  // A new login (not a refresh of the same session) remounts the panel: its socket,
  // refresh timer and account data start over with the new key.
  const [generation, setGeneration] = useState(0);
  const [loginMessage, setLoginMessage] = useState<string>('');
  const toasts = useToasts();

  /**
   * endSession returns to login. `forKey` is the key whose end this is (a socket closed
   * for it, a 401 answered to it): when another session has replaced it meanwhile, the
   * late news is ignored.
   */
  const endSession = useCallback((message: string, forKey?: string | null) => {
    const current = loadSession(sessionStorage);
    if (forKey && current && current.key !== forKey) return;
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
        onUnauthorized: (_err, key) => {
          if (loadSession(sessionStorage)) endSession(tr('session.expired'), key);
        },
      }),
    [endSession],
  );

  // Keep the tab title honest about the state.
  useEffect(() => {
    document.title = session ? 'futugw panel' : 'futugw panel · log in';
  }, [session]);

  // A session URL pasted into the open tab: log in with its key, replacing the session.
  const switching = useRef<Promise<void>>(Promise.resolve());
  const toast = toasts.push;
  useEffect(
    () =>
      watchFragment(window, (key) => {
        // One switch at a time, in the order the fragments arrived.
        switching.current = switching.current.then(async () => {
          const r = await switchSession(api, sessionStorage, key);
          if (r.kind === 'refused') {
            if (loadSession(sessionStorage)) toast('error', r.message);
            else setLoginMessage(r.message);
            return;
          }
          if (r.kind === 'same') return;
          setLoginMessage('');
          setGeneration((g) => g + 1);
          setSession(r.session);
          toast('info', tr('session.switched', { id: r.info.parent_id || r.info.id }));
        });
      }),
    [api, toast],
  );

  const login = useCallback(
    async (pasted: string) => {
      try {
        const r = await api.request<SessionResponse>('POST', '/api/auth/session', {}, { key: pasted });
        setLoginMessage('');
        setGeneration((g) => g + 1);
        setSession(saveSession(sessionStorage, r.key, r.info));
      } catch (e) {
        setLoginMessage(keyRefusal(e));
      }
    },
    [api],
  );

  return (
    <>
      {session ? (
        <Panel
          key={generation}
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
