import { useState, type FormEvent } from 'react';
import { useLang } from '../lib/i18n';
import { LangSwitch } from './LangSwitch';

/** Login exchanges a pasted key for a 30-minute session key; the pasted key is never stored. */
export function Login({ message, onLogin }: { message: string; onLogin: (key: string) => Promise<void> }) {
  const { t } = useLang();
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const k = key.trim();
    if (!k) return;
    setBusy(true);
    try {
      await onLogin(k);
    } finally {
      setKey('');
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form className="card login-card" onSubmit={submit} data-testid="login-form">
        <div className="login-head">
          <h1>{t('login.title')}</h1>
          <LangSwitch />
        </div>
        <p className="muted">
          {t('login.intro1')}
          <code>fk_…</code>
          {t('login.intro2')} <code>make run</code> {t('login.or')} <code>futucli session</code>.
        </p>
        {message && (
          <p className="banner banner-error" data-testid="login-message" role="alert">
            {message}
          </p>
        )}
        <label>
          {t('login.key')}
          <input
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={key}
            onChange={(e) => setKey(e.target.value)}
            placeholder="fk_…"
            data-testid="login-key"
          />
        </label>
        <button type="submit" className="primary" disabled={busy || !key.trim()} data-testid="login-submit">
          {busy ? t('login.opening') : t('login.open')}
        </button>
      </form>
    </main>
  );
}
