// The trading panel: owns the session's refresh timer, the push socket, the watchlist's
// quotes and the selected account's orders, positions and funds.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiClient, userMessage } from '../api/client';
import type { Account, BasicQuoteJSON, Funds, KeyInfo, Order, Position, StaticInfo } from '../api/types';
import { base64ToBytes, decodeBasicQot, decodeFillUpdate, decodeOrderUpdate, type BasicQuote, type OrderUpdate } from '../proto/decode';
import { PushSocket, wsURL, type PushFrame, type WsState } from '../lib/pushes';
import { Refresher, saveSession, type StoredSession } from '../lib/session';
import { parseSymbol, TRD_MARKET_OF } from '../lib/symbols';
import { accountRef, canTrade, isReal, pickTicketAccount, tradableAccounts } from '../lib/accounts';
import type { PushToast } from './Toasts';
import { StatusBar, type OpenDState } from './StatusBar';
import { Watchlist, type QuoteView } from './Watchlist';
import { OrderTicket } from './OrderTicket';
import { Orders } from './Orders';
import { AccountView } from './AccountView';
import { Chart } from './Chart';
import { OrderBook } from './OrderBook';
import { TimeSales } from './TimeSales';
import { Feed } from '../lib/feed';
import { FutuWatchlist } from './FutuWatchlist';
import { Intraday } from './Intraday';
import { BrokerQueue } from './BrokerQueue';
import { positionSecKey } from '../lib/pl';
import { usePositionQuotes } from '../lib/usePositionQuotes';
import { periodById, type Period } from '../lib/bars';
import { mergeFills, type Fill } from '../lib/fills';
import { pruneStamps } from '../lib/orderForm';
import { Fills } from './Fills';
import { CashFlowView, History } from './History';
import { tr, type MsgKey } from '../lib/i18n';

/** errText: an error's toast text, "this key is not allowed to <action>" translated. */
const errText = (e: unknown, action: MsgKey, vars?: Record<string, string | number>) => userMessage(e, tr(action, vars), tr);

const WATCHLIST_KEY = 'futugw.watchlist';
const DEFAULT_WATCHLIST = ['HK.00700', 'US.AAPL'];
const PERIOD_KEY = 'futugw.period';
/** Sub types of the selected security's market panels besides its K-line: order book (2), ticker (4), RT (5) and, for HK, the broker queue (14). */
const MARKET_SUB_TYPES = [2, 4, 5];
const marketSubTypes = (prefix: string) => (prefix === 'HK' ? [...MARKET_SUB_TYPES, 14] : MARKET_SUB_TYPES);

function loadWatchlist(): string[] {
  try {
    const v = JSON.parse(sessionStorage.getItem(WATCHLIST_KEY) ?? 'null');
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v;
  } catch {
    /* fall through */
  }
  return DEFAULT_WATCHLIST;
}

type Props = {
  api: ApiClient;
  session: StoredSession;
  onSession: (s: StoredSession) => void;
  /** Back to login; `forKey` names the key that ended (ignored once another session replaced it). */
  onEnd: (message: string, forKey?: string | null) => void;
  toast: PushToast;
};

export function Panel({ api, session, onSession, onEnd, toast }: Props) {
  const [info, setInfo] = useState<KeyInfo | null>(null);
  const [wsState, setWsState] = useState<WsState>('connecting');
  const [wsDetail, setWsDetail] = useState('');
  const [opend, setOpend] = useState<OpenDState>('unknown');
  const [watchlist, setWatchlist] = useState<string[]>(loadWatchlist);
  const [quotes, setQuotes] = useState<Record<string, QuoteView>>({});
  const [lots, setLots] = useState<Record<string, number>>({});
  const [accounts, setAccounts] = useState<Account[]>([]);
  // The viewed account (orders, funds, positions: any account the key can read) and
  // the ticket's account (only one the key may trade).
  const [accId, setAccId] = useState<string>('');
  const [ticketAccId, setTicketAccId] = useState<string>('');
  const [orders, setOrders] = useState<Order[]>([]);
  const [positions, setPositions] = useState<Position[]>([]);
  const [funds, setFunds] = useState<Funds | null>(null);
  const [fills, setFills] = useState<Fill[]>([]);
  // When this panel used a slot of the key's per-minute window (orders, cancel-all).
  const [slots, setSlots] = useState<number[]>([]);
  const takeSlot = useCallback(() => setSlots((s) => [...pruneStamps(s, Date.now()), Date.now()]), []);
  const [ticketSymbol, setTicketSymbol] = useState<string>(() => loadWatchlist()[0] ?? 'HK.00700');
  const [period, setPeriod] = useState<Period>(() => periodById(sessionStorage.getItem(PERIOD_KEY) ?? 'day'));
  // A price clicked in the order book, for the ticket (seq: the same price clicked twice still applies).
  const [priceFill, setPriceFill] = useState<{ price: number; seq: number } | null>(null);
  const [feed] = useState(() => new Feed());
  // The selected security's market subscriptions now held: "HK.00700" -> sub types.
  const marketSubs = useRef<{ secKey: string; subTypes: number[] } | null>(null);
  // The security whose book and ticker subscription OpenD answered: their REST reads
  // (/api/orderbook, /api/ticker) need it, so the panels read once it is there.
  const [marketReady, setMarketReady] = useState('');

  const socket = useRef<PushSocket | null>(null);
  const keyRef = useRef(session.key);
  keyRef.current = session.key;
  const refresher = useRef<Refresher | null>(null);
  const accIdRef = useRef('');
  const subscribed = useRef(new Set<string>());
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const loggingOut = useRef(false);

  const account = accounts.find((a) => a.acc_id === accId) ?? null;
  accIdRef.current = accId;
  const tradable = tradableAccounts(info, accounts);
  const ticketAccount = tradable.find((a) => a.acc_id === ticketAccId) ?? null;

  // --- quotes -------------------------------------------------------------------------
  const applyQuote = useCallback((q: BasicQuote) => {
    setQuotes((prev) => {
      const old = prev[q.secKey];
      const flash = old && q.curPrice !== old.q.curPrice ? (q.curPrice > old.q.curPrice ? 'up' : 'down') : old?.flash ?? '';
      const seq = old && q.curPrice !== old.q.curPrice ? old.seq + 1 : old?.seq ?? 0;
      return { ...prev, [q.secKey]: { q, flash, seq } };
    });
  }, []);

  // --- account data -------------------------------------------------------------------
  const loadAccountData = useCallback(
    async (a: Account) => {
      if (loggingOut.current) return;
      const ref = accountRef(a);
      const [o, p, f, fl] = await Promise.allSettled([
        api.post<{ orders: Order[] }>('/api/orders', ref),
        api.post<{ positions: Position[] }>('/api/positions', ref),
        api.post<Funds>('/api/funds', ref),
        api.post<{ fills?: Fill[] }>('/api/order-fills', ref),
      ]);
      if (accIdRef.current !== a.acc_id) return;
      if (fl.status === 'fulfilled') setFills((cur) => mergeFills(cur, fl.value.fills ?? []));
      if (o.status === 'fulfilled') setOrders(sortOrders(o.value.orders ?? []));
      if (p.status === 'fulfilled') setPositions(p.value.positions ?? []);
      if (f.status === 'fulfilled') setFunds(f.value);
      const failed = [o, p, f].find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
      if (failed) toast('error', errText(failed.reason, 'act.readAccount'));
    },
    [api, toast],
  );

  // Trade pushes update the orders list themselves; funds and positions are re-read.
  const scheduleReload = useCallback(() => {
    if (reloadTimer.current) clearTimeout(reloadTimer.current);
    if (loggingOut.current) return;
    reloadTimer.current = setTimeout(() => {
      if (loggingOut.current) return;
      const a = accountsRef.current.find((x) => x.acc_id === accIdRef.current);
      if (!a) return;
      const ref = accountRef(a);
      void Promise.allSettled([
        api.post<{ positions: Position[] }>('/api/positions', ref),
        api.post<Funds>('/api/funds', ref),
      ]).then(([p, f]) => {
        if (accIdRef.current !== a.acc_id) return;
        if (p.status === 'fulfilled') setPositions(p.value.positions ?? []);
        if (f.status === 'fulfilled') setFunds(f.value);
      });
    }, 500);
  }, [api]);

  // After a placement, the order push normally arrives first; re-read the list only
  // when it has not (a socket reconnecting at that moment).
  const ordersRef = useRef<Order[]>([]);
  ordersRef.current = orders;
  const afterPlaced = useCallback(
    (orderId: string) => {
      scheduleReload();
      setTimeout(() => {
        const a = accountsRef.current.find((x) => x.acc_id === accIdRef.current);
        if (a && !ordersRef.current.some((o) => o.order_id === orderId)) void loadAccountData(a);
      }, 3000);
    },
    [scheduleReload, loadAccountData],
  );
  const accountsRef = useRef<Account[]>([]);
  accountsRef.current = accounts;

  const applyOrderUpdate = useCallback(
    (u: OrderUpdate) => {
      setOrders((prev) => {
        const i = prev.findIndex((o) => o.order_id === u.orderId);
        const merged: Order = {
          ...(i >= 0 ? prev[i] : { create_time: u.updateTime, remark: '' }),
          order_id: u.orderId,
          code: u.code,
          name: u.name || (i >= 0 ? prev[i].name : ''),
          trd_side: u.trdSide,
          order_type: u.orderType,
          order_status: u.orderStatus,
          qty: u.qty,
          price: u.price,
          fill_qty: u.fillQty,
          fill_avg_price: u.fillAvgPrice,
          update_time: u.updateTime,
          last_err_msg: u.lastErrMsg,
          aux_price: u.auxPrice,
          trail_type: u.trailType,
          trail_value: u.trailValue,
          trail_spread: u.trailSpread,
          time_in_force: u.timeInForce,
          fill_outside_rth: u.fillOutsideRTH,
        };
        const next = i >= 0 ? prev.map((o, j) => (j === i ? merged : o)) : [merged, ...prev];
        return sortOrders(next);
      });
    },
    [],
  );

  const watchlistRef = useRef(watchlist);
  watchlistRef.current = watchlist;
  const resubscribe = useCallback(() => {
    const list = watchlistRef.current;
    if (!list.length) return;
    const security_list = list.map((k) => parseSymbol(k).security);
    api.post('/api/subscribe', { security_list, sub_type_list: [1] }).catch((e) => {
      toast('error', errText(e, 'act.subscribeAgain', { list: list.join(', ') }));
    });
    const m = marketSubs.current;
    if (m) {
      api.post('/api/subscribe', { security_list: [parseSymbol(m.secKey).security], sub_type_list: m.subTypes }).catch((e) => {
        toast('error', errText(e, 'act.subscribeAgainSec', { sec: m.secKey }));
      });
    }
  }, [api, toast]);

  // --- pushes ---------------------------------------------------------------------------
  const onFrame = useCallback(
    (f: PushFrame) => {
      try {
        if (f.type === 'quote' && f.proto_id === 3005) {
          for (const q of decodeBasicQot(base64ToBytes(f.body_b64))) applyQuote(q);
          setOpend((s) => (s === 'down' ? s : 'up'));
        } else if (f.type === 'quote' || f.type === 'gap') {
          // K-lines, order books and tickers: the chart, book and time and sales listen.
          feed.emit(f);
        } else if (f.type === 'trade') {
          if (f.acc_id !== accIdRef.current) return;
          if (f.proto_id === 2208) {
            const u = decodeOrderUpdate(base64ToBytes(f.body_b64));
            if (u) applyOrderUpdate(u);
          } else if (f.proto_id === 2218) {
            const u = decodeFillUpdate(base64ToBytes(f.body_b64));
            if (u) {
              const fill: Fill = { fill_id: u.fillId, order_id: u.orderId, code: u.code, name: u.name, trd_side: u.trdSide, qty: u.qty, price: u.price, create_time: u.createTime };
              setFills((cur) => mergeFills(cur, [fill]));
            }
          }
          // Fills (2218) and order changes move funds and positions: re-read them.
          scheduleReload();
        } else if (f.type === 'notify') {
          switch (f.event) {
            case 'opend_disconnected':
            case 'upstream_disconnected':
              setOpend('down');
              toast('error', f.message || tr('toast.opendDown'));
              break;
            case 'upstream_reconnected': {
              // A restarted quote service may have lost the session's subscriptions
              // (they live in its memory): subscribe the watchlist again (a no-op when
              // they survived). Trade pushes sent while a stream was down were missed:
              // read the account again.
              resubscribe();
              const a = accountsRef.current.find((x) => x.acc_id === accIdRef.current);
              if (a) void loadAccountData(a);
              setOpend('up');
              toast('info', f.message || tr('toast.opendUp'));
              break;
            }
            case 'opend_reconnected':
              setOpend('up');
              toast('info', f.message || tr('toast.opendUp'));
              break;
            case 'key_expiring':
              void refresher.current?.refreshNow();
              break;
            default:
              if (f.message) toast('info', f.message);
          }
        }
      } catch (e) {
        console.warn('push frame dropped:', e);
      }
    },
    [applyQuote, applyOrderUpdate, scheduleReload, toast, resubscribe, loadAccountData, feed],
  );

  // Session refresh and the push socket live as long as the panel.
  useEffect(() => {
    const r = new Refresher(api, sessionStorage, {
      onRefreshed: (s) => {
        onSession(s);
        socket.current?.setKey(s.key);
      },
      onFailed: (msg) => onEnd(msg),
    });
    refresher.current = r;
    const ws = new PushSocket(wsURL(window.location), session.key, {
      onFrame: (f) => onFrameRef.current(f),
      onState: (s, detail) => {
        setWsState(s);
        setWsDetail(detail ?? '');
      },
      onKeyEnded: (code) =>
        onEnd(code === 4003 ? tr('session.revoked') : tr('session.expired'), keyRef.current),
    });
    socket.current = ws;
    ws.start();
    let cancelled = false;
    api
      .get<KeyInfo>('/api/auth/whoami')
      .then((ki) => {
        if (cancelled) return;
        setInfo(ki);
        // A key from the URL fragment arrives without its expiry: store it now.
        const s = saveSession(sessionStorage, session.key, ki);
        r.schedule(s);
      })
      .catch((e) => {
        if (!cancelled) toast('error', errText(e, 'act.whoami'));
      });
    return () => {
      cancelled = true;
      r.stop();
      ws.stop();
      if (reloadTimer.current) clearTimeout(reloadTimer.current);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per login
  }, []);
  const onFrameRef = useRef(onFrame);
  onFrameRef.current = onFrame;

  // Watchlist: subscribe what was added, unsubscribe what was removed.
  useEffect(() => {
    sessionStorage.setItem(WATCHLIST_KEY, JSON.stringify(watchlist));
    const added = watchlist.filter((k) => !subscribed.current.has(k));
    const removed = [...subscribed.current].filter((k) => !watchlist.includes(k));
    for (const k of added) subscribed.current.add(k);
    for (const k of removed) subscribed.current.delete(k);
    if (added.length) {
      const security_list = added.map((k) => parseSymbol(k).security);
      void (async () => {
        try {
          await api.post('/api/subscribe', { security_list, sub_type_list: [1] });
        } catch (e) {
          toast('error', errText(e, 'act.subscribe', { list: added.join(', ') }));
        }
        try {
          const r = await api.post<{ quotes: BasicQuoteJSON[] }>('/api/quote', { security_list });
          for (const q of r.quotes ?? []) applyQuote(fromJSONQuote(q));
        } catch (e) {
          toast('error', errText(e, 'act.readQuotes'));
        }
        try {
          const r = await api.post<{ static_info_list: StaticInfo[] }>('/api/static-info', { security_list });
          setLots((l) => {
            const next = { ...l };
            for (const s of r.static_info_list ?? []) next[s.sec_key] = s.lot_size || 1;
            return next;
          });
        } catch {
          /* lot size falls back to 1 */
        }
      })();
    }
    if (removed.length) {
      const security_list = removed.map((k) => parseSymbol(k).security);
      setQuotes((q) => {
        const next = { ...q };
        for (const k of removed) delete next[k];
        return next;
      });
      // OpenD holds a subscription for at least a minute; a refusal here is harmless.
      api.post('/api/unsubscribe', { security_list, sub_type_list: [1] }).catch(() => {});
    }
  }, [watchlist, api, applyQuote, toast]);

  // The selected security's chart, book and trades: subscribe its K-line of the chosen
  // period, order book and ticker; unsubscribe what the previous choice held.
  useEffect(() => {
    sessionStorage.setItem(PERIOD_KEY, period.id);
    let sec;
    try {
      sec = parseSymbol(ticketSymbol);
    } catch {
      return;
    }
    const want = { secKey: sec.key, subTypes: [...marketSubTypes(sec.prefix), period.subType] };
    const had = marketSubs.current;
    marketSubs.current = want;
    const drop = had ? had.subTypes.filter((t) => had.secKey !== want.secKey || !want.subTypes.includes(t)) : [];
    const add = want.subTypes.filter((t) => !had || had.secKey !== want.secKey || !had.subTypes.includes(t));
    if (!had || had.secKey !== want.secKey) setMarketReady('');
    if (add.length) {
      api
        .post('/api/subscribe', { security_list: [sec.security], sub_type_list: add })
        .catch((e) => {
          toast('error', errText(e, 'act.subscribeSec', { sec: sec.key }));
        })
        .finally(() => {
          if (marketSubs.current?.secKey === want.secKey) setMarketReady(want.secKey);
        });
    }
    if (had && drop.length) {
      // OpenD holds a subscription for at least a minute; a refusal here is harmless.
      api.post('/api/unsubscribe', { security_list: [parseSymbol(had.secKey).security], sub_type_list: drop }).catch(() => {});
    }
  }, [ticketSymbol, period, api, toast]);

  // Accounts once; then the selected account's data whenever it changes.
  useEffect(() => {
    api
      .get<{ accounts: Account[] }>('/api/accounts')
      .then((r) => {
        const list = r.accounts ?? [];
        setAccounts(list);
        const first = list.find((a) => !isReal(a)) ?? list[0];
        if (first) setAccId(first.acc_id);
      })
      .catch((e) => toast('error', errText(e, 'act.listAccounts')));
  }, [api, toast]);

  // The ticket offers only accounts the key may trade: keep its choice valid as the
  // key's description and the account list arrive.
  useEffect(() => {
    setTicketAccId((cur) => pickTicketAccount(info, accounts, cur, accIdRef.current));
  }, [info, accounts]);

  // Choosing the ticket's account shows that account; choosing a viewed account the key
  // may trade moves the ticket to it too.
  const selectTicketAccount = useCallback((id: string) => {
    setTicketAccId(id);
    setAccId(id);
  }, []);
  const selectViewedAccount = useCallback(
    (id: string) => {
      setAccId(id);
      const a = accountsRef.current.find((x) => x.acc_id === id);
      if (a && canTrade(info, a)) setTicketAccId(id);
    },
    [info],
  );
  // An order placed on the ticket's account is shown there.
  const onPlaced = useCallback(
    (orderId: string) => {
      if (ticketAccId && ticketAccId !== accIdRef.current) setAccId(ticketAccId);
      takeSlot();
      afterPlaced(orderId);
    },
    [ticketAccId, afterPlaced, takeSlot],
  );

  useEffect(() => {
    setOrders([]);
    setPositions([]);
    setFunds(null);
    setFills([]);
    if (account) void loadAccountData(account);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [accId, accounts]);

  async function logout() {
    refresher.current?.stop();
    socket.current?.stop();
    // No re-read may go out with the key being revoked.
    loggingOut.current = true;
    if (reloadTimer.current) clearTimeout(reloadTimer.current);
    try {
      await api.post('/api/auth/logout', {});
    } catch {
      /* the key is dropped locally regardless */
    }
    onEnd(tr('session.loggedOut'));
  }

  function addSymbol(input: string): string | null {
    try {
      const s = parseSymbol(input, tr);
      if (!watchlist.includes(s.key)) setWatchlist([...watchlist, s.key]);
      return null;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  const tickerMarket = TRD_MARKET_OF[ticketSymbol.split('.')[0]];
  const positionKeys = positions.map((p) => positionSecKey(p.code, account?.trd_markets[0] ?? 'TRD_MARKET_HK'));
  usePositionQuotes(api, positionKeys, (q) => applyQuote(fromJSONQuote(q)));
  const livePrices: Record<string, number> = {};
  for (const [k, v] of Object.entries(quotes)) if (v.q.curPrice > 0) livePrices[k] = v.q.curPrice;
  const pickFutu = (k: string) => {
    if (!watchlist.includes(k)) setWatchlist([...watchlist, k]);
    setTicketSymbol(k);
  };

  return (
    <div className="app">
      <StatusBar
        api={api}
        info={info}
        session={session}
        wsState={wsState}
        wsDetail={wsDetail}
        opend={opend}
        onLogout={logout}
      />
      <main className="grid">
        <div className="col col-main">
          <section className="card area-chart">
            <Chart api={api} feed={feed} secKey={ticketSymbol} period={period} onPeriod={setPeriod} />
          </section>
          <section className="card area-rt">
            <Intraday api={api} feed={feed} secKey={ticketSymbol} ready={marketReady === ticketSymbol} />
          </section>
          <section className="card area-watch">
            <Watchlist
              symbols={watchlist}
              quotes={quotes}
              selected={ticketSymbol}
              onSelect={setTicketSymbol}
              onAdd={addSymbol}
              onRemove={(k) => setWatchlist(watchlist.filter((x) => x !== k))}
            />
          </section>
          <section className="card area-futu">
            <FutuWatchlist api={api} info={info} prices={livePrices} onPick={pickFutu} />
          </section>
          <section className={`card area-orders ${account && isReal(account) ? 'card-real' : ''}`}>
            <Orders
              api={api}
              toast={toast}
              account={account}
              canTrade={account !== null && canTrade(info, account)}
              orders={orders}
              onReload={() => account && void loadAccountData(account)}
              onSlotUsed={takeSlot}
            />
          </section>
          <section className={`card area-fills ${account && isReal(account) ? 'card-real' : ''}`}>
            <Fills fills={fills} account={account} />
          </section>
          <section className={`card area-history ${account && isReal(account) ? 'card-real' : ''}`}>
            <History api={api} toast={toast} account={account} />
          </section>
          <section className={`card area-cash ${account && isReal(account) ? 'card-real' : ''}`}>
            <CashFlowView api={api} toast={toast} account={account} />
          </section>
        </div>
        <div className="col col-market">
          <section className="card area-book">
            <OrderBook
              api={api}
              feed={feed}
              secKey={ticketSymbol}
              ready={marketReady === ticketSymbol}
              orders={orders}
              onPrice={(p) => setPriceFill((f) => ({ price: p, seq: (f?.seq ?? 0) + 1 }))}
            />
          </section>
          {ticketSymbol.startsWith('HK.') && (
            <section className="card area-broker">
              <BrokerQueue api={api} feed={feed} secKey={ticketSymbol} ready={marketReady === ticketSymbol} />
            </section>
          )}
          <section className="card area-ticks">
            <TimeSales api={api} feed={feed} secKey={ticketSymbol} ready={marketReady === ticketSymbol} />
          </section>
        </div>
        <div className="col col-side">
          <section className="card area-ticket">
            <OrderTicket
              api={api}
              toast={toast}
              accounts={tradable}
              keyKnown={info !== null}
              account={ticketAccount}
              onSelectAccount={selectTicketAccount}
              symbols={watchlist}
              symbol={ticketSymbol}
              onSymbol={setTicketSymbol}
              lastPrice={quotes[ticketSymbol]?.q.curPrice}
              lotSize={lots[ticketSymbol] ?? 1}
              maxOrderValue={info?.limits?.max_order_value ?? undefined}
              maxOrdersPerMinute={info?.limits?.max_orders_per_minute ?? undefined}
              slots={slots}
              market={tickerMarket}
              onPlaced={onPlaced}
              priceFill={priceFill}
            />
          </section>
          <section className={`card area-account ${account && isReal(account) ? 'card-real' : ''}`}>
            <AccountView
              accounts={accounts}
              account={account}
              onSelectAccount={selectViewedAccount}
              tradable={account !== null && canTrade(info, account)}
              funds={funds}
              positions={positions}
              livePrices={livePrices}
            />
          </section>
        </div>
      </main>
    </div>
  );
}

function fromJSONQuote(q: BasicQuoteJSON): BasicQuote {
  return {
    secKey: q.sec_key,
    name: q.name,
    curPrice: q.cur_price,
    lastClosePrice: q.last_close_price,
    openPrice: q.open_price,
    highPrice: q.high_price,
    lowPrice: q.low_price,
    volume: Number(q.volume),
    updateTime: q.update_time ?? '',
  };
}

function sortOrders(list: Order[]): Order[] {
  return [...list].sort((a, b) => (b.create_time || '').localeCompare(a.create_time || '') || b.order_id.localeCompare(a.order_id));
}
