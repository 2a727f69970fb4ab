import { useState, type FormEvent } from 'react';

/** Login exchanges a pasted key for a 30-minute session key; the pasted key is never stored. */
export function Login({ message, onLogin }: { message: string; onLogin: (key: string) => Promise<void> }) {
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
        <h1>futugw panel</h1>
        <p className="muted">
          Paste an API key (<code>fk_…</code>). It is exchanged for a 30-minute session key; only the session key is kept, in
          this tab's session storage. Or open the session URL printed by <code>make run</code> or <code>futucli session</code>.
        </p>
        {message && (
          <p className="banner banner-error" data-testid="login-message" role="alert">
            {message}
          </p>
        )}
        <label>
          API key
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
          {busy ? 'Opening session…' : 'Open session'}
        </button>
      </form>
    </main>
  );
}
