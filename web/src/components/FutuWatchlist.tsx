// The user's Futu watchlist groups, the same lists as in the Futu app: a chosen group's
// securities (a click shows one on the chart, book and ticket), and adding or removing
// with a key that holds qot:write. Without it the controls say why and stay disabled.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApiClient } from '../api/client';
import type { KeyInfo } from '../api/types';
import { parseSymbol } from '../lib/symbols';
import { fmtPrice, useLang } from '../lib/i18n';
import {
  GROUP_KEY,
  groupsFromJSON,
  isScopeRefusal,
  pickGroup,
  refusalText,
  SCOPE_QOT_WRITE,
  securitiesFromJSON,
  type FutuGroup,
  type FutuSecurity,
} from '../lib/futuWatchlist';

/** addTo puts a security first (Futu lists the latest added first), once. */
function addTo(list: FutuSecurity[], s: FutuSecurity): FutuSecurity[] {
  return [s, ...list.filter((x) => x.key !== s.key)];
}

function remembered(): string | null {
  try {
    return localStorage.getItem(GROUP_KEY);
  } catch {
    return null;
  }
}

export function FutuWatchlist(props: {
  api: ApiClient;
  info: KeyInfo | null;
  prices: Record<string, number>;
  onPick: (key: string) => void;
}) {
  const { api, info, prices, onPick } = props;
  const { lang, t } = useLang();
  const [groups, setGroups] = useState<FutuGroup[] | null>(null);
  const [group, setGroup] = useState('');
  const [secs, setSecs] = useState<FutuSecurity[] | null>(null);
  const [error, setError] = useState('');
  const [note, setNote] = useState('');
  const [input, setInput] = useState('');
  const [busy, setBusy] = useState(false);
  const [refusedScope, setRefusedScope] = useState(false);

  // Groups already read this session (watchlist reads are paced by OpenD).
  const cache = useRef(new Map<string, FutuSecurity[]>());
  const groupRef = useRef('');
  groupRef.current = group;

  // The name of an added security, for its row (a read of its own, best effort).
  const nameOf = useCallback(
    async (key: string, security: FutuSecurity['security']) => {
      try {
        const r = await api.post<{ static_info_list?: { sec_key?: string; name?: string }[] }>('/api/static-info', { security_list: [security] });
        const name = r.static_info_list?.[0]?.name ?? '';
        if (!name) return;
        for (const [g, list] of cache.current) cache.current.set(g, list.map((s) => (s.key === key ? { ...s, name } : s)));
        setSecs(cache.current.get(groupRef.current) ?? null);
      } catch {
        /* the row shows the code only */
      }
    },
    [api],
  );

  const canWrite = info !== null && info.scopes.includes(SCOPE_QOT_WRITE) && !refusedScope;
  const custom = groups?.find((g) => g.name === group)?.custom ?? false;

  useEffect(() => {
    let stop = false;
    api
      .post<{ group_list?: { group_name?: string; group_type?: string | number }[] }>('/api/user-security-group', { group_type: 'GROUP_TYPE_ALL' })
      .then((r) => {
        if (stop) return;
        const gs = groupsFromJSON(r);
        setGroups(gs);
        setGroup(pickGroup(gs, remembered()));
      })
      .catch((e) => {
        if (!stop) setError(refusalText(e, t));
      });
    return () => {
      stop = true;
    };
  }, [api]);

  const load = useCallback(
    async (name: string) => {
      const r = await api.post<Parameters<typeof securitiesFromJSON>[0]>('/api/user-security', { group_name: name });
      return securitiesFromJSON(r);
    },
    [api],
  );

  useEffect(() => {
    if (!group) return;
    let stop = false;
    const cached = cache.current.get(group);
    if (cached) {
      setSecs(cached);
      return;
    }
    setSecs(null);
    load(group)
      .then((s) => {
        cache.current.set(group, s);
        if (!stop) setSecs(s);
      })
      .catch((e) => {
        if (!stop) {
          setSecs([]);
          setError(refusalText(e, t));
        }
      });
    return () => {
      stop = true;
    };
  }, [group, load]);

  function choose(name: string) {
    setGroup(name);
    setNote('');
    setError('');
    try {
      localStorage.setItem(GROUP_KEY, name);
    } catch {
      /* not remembered */
    }
  }

  async function modify(op: 'MODIFY_USER_SECURITY_OP_ADD' | 'MODIFY_USER_SECURITY_OP_DEL', key: string) {
    let sec;
    try {
      sec = parseSymbol(key);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    }
    setBusy(true);
    setError('');
    setNote('');
    try {
      await api.post('/api/modify-user-security', { group_name: group, op, security_list: [sec.security] });
      // The change is applied here rather than read back: OpenD paces watchlist reads
      // (a handful per 30 s), and the answer already says the change was made.
      const changed = op === 'MODIFY_USER_SECURITY_OP_ADD' ? addTo(secs ?? [], { key: sec.key, name: '', security: sec.security }) : (secs ?? []).filter((s) => s.key !== sec.key);
      cache.current.set(group, changed);
      setSecs(changed);
      if (op === 'MODIFY_USER_SECURITY_OP_ADD') void nameOf(sec.key, sec.security);
      setNote(t(op === 'MODIFY_USER_SECURITY_OP_ADD' ? 'futu.added' : 'futu.removed', { sym: sec.key, group }));
      return true;
    } catch (e) {
      // The list stays as it was; a key without qot:write gets the scope's explanation.
      if (isScopeRefusal(e)) setRefusedScope(true);
      setError(t('futu.refused', { why: refusalText(e, t) }));
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function add(e: FormEvent) {
    e.preventDefault();
    if (await modify('MODIFY_USER_SECURITY_OP_ADD', input)) setInput('');
  }

  const writeDisabled = !canWrite || !custom || busy;
  return (
    <div data-testid="futu-watchlist" data-group={group} data-loaded={secs !== null ? 'true' : 'false'}>
      <h2>{t('futu.title')}</h2>
      {groups && groups.length === 0 && <p className="muted">{t('futu.noGroups')}</p>}
      {groups && groups.length > 0 && (
        <label className="inline-label">
          <span className="field-label">{t('futu.group')}</span>
          <select value={group} onChange={(e) => choose(e.target.value)} data-testid="futu-group">
            {groups.map((g) => (
              <option key={g.name} value={g.name}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <form className="row" onSubmit={add}>
        <input
          value={input}
          onChange={(e) => setInput(e.target.value)}
          placeholder={t('watch.placeholder')}
          aria-label={t('futu.input')}
          disabled={writeDisabled}
          data-testid="futu-input"
        />
        <button type="submit" disabled={writeDisabled || !input.trim()} data-testid="futu-add">
          {t('futu.add')}
        </button>
      </form>
      {info !== null && !canWrite && (
        <p className="muted small" data-testid="futu-scope-note">
          {t('futu.noScope')}
        </p>
      )}
      {canWrite && groups && !custom && <p className="muted small">{t('futu.system')}</p>}
      {error && (
        <p className="field-error" role="alert" data-testid="futu-error">
          {error}
        </p>
      )}
      {note && (
        <p className="muted small" role="status" data-testid="futu-note">
          {note}
        </p>
      )}
      {secs === null && group && <p className="muted">{t('futu.loading')}</p>}
      {secs && secs.length === 0 && <p className="muted">{t('futu.empty')}</p>}
      {secs && secs.length > 0 && (
        <table className="table" data-testid="futu-list">
          <thead>
            <tr>
              <th>{t('col.symbol')}</th>
              <th>{t('col.name')}</th>
              <th className="num">{t('col.last')}</th>
              <th>
              <span className="sr-only">{t('col.actions')}</span>
            </th>
            </tr>
          </thead>
          <tbody>
            {secs.map((s) => (
              <tr key={s.key} data-testid={`futu-sec-${s.key}`}>
                <td>
                  <button type="button" className="link sym" onClick={() => onPick(s.key)} aria-label={t('futu.show', { sym: s.key })}>
                    {s.key}
                  </button>
                </td>
                <td className="small">{s.name}</td>
                <td className="num">{fmtPrice(lang, prices[s.key])}</td>
                <td className="num">
                  <button
                    type="button"
                    className="link"
                    aria-label={t('futu.remove', { sym: s.key })}
                    data-testid={`futu-remove-${s.key}`}
                    disabled={writeDisabled}
                    onClick={() => void modify('MODIFY_USER_SECURITY_OP_DEL', s.key)}
                  >
                    ×
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
