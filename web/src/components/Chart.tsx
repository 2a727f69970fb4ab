// The chart of the selected security: candles and volume (TradingView's Lightweight
// Charts), a period switch, history from /api/history-kline with older windows loaded
// when the view reaches the left edge, and the forming bar kept live by 3007 pushes.
//
// CSP: the library's attribution logo would inject a <style> element, which the
// panel's policy (no 'unsafe-inline') refuses; it is turned off and the attribution
// the licence asks for is a link under the chart, styled by styles.css.
import { useEffect, useRef, useState } from 'react';
import {
  CandlestickSeries,
  ColorType,
  createChart,
  HistogramSeries,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import { ApiClient, userMessage } from '../api/client';
import { applyLive, formatTime, latestEnd, loadHistory, PERIODS, toBar, type Bar, type HistoryAnswer, type HistoryRequest, type Period } from '../lib/bars';
import type { Feed } from '../lib/feed';
import { parseSymbol } from '../lib/symbols';
import { fmtPrice as fmtPriceIn, fmtVolume as fmtVolumeIn, useLang, type MsgKey } from '../lib/i18n';
import { base64ToBytes, decodeKL } from '../proto/decode';

const UP = '#0f8a4b';
const DOWN = '#c62b2b';

function candle(b: Bar) {
  return { time: b.time as UTCTimestamp, open: b.open, high: b.high, low: b.low, close: b.close };
}
function vol(b: Bar) {
  return { time: b.time as UTCTimestamp, value: b.volume, color: b.close >= b.open ? 'rgba(15,138,75,0.35)' : 'rgba(198,43,43,0.35)' };
}

type Status = { loading: boolean; exhausted: boolean; error: string };

export function Chart(props: { api: ApiClient; feed: Feed; secKey: string; period: Period; onPeriod: (p: Period) => void }) {
  const { api, feed, secKey, period, onPeriod } = props;
  const { lang, t } = useLang();
  const fmtPrice = (v: number | undefined) => fmtPriceIn(lang, v);
  const fmtVolume = (v: number | undefined) => fmtVolumeIn(lang, v);
  const periodLabel = (p: Period) => t(`period.${p.id}` as MsgKey);
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const candles = useRef<ISeriesApi<'Candlestick'> | null>(null);
  const volumes = useRef<ISeriesApi<'Histogram'> | null>(null);
  const bars = useRef<Bar[]>([]);
  const [count, setCount] = useState(0);
  const [pushes, setPushes] = useState(0);
  const [status, setStatus] = useState<Status>({ loading: true, exhausted: false, error: '' });
  const [legend, setLegend] = useState<Bar | null>(null);
  // The load in charge: a newer (security, period) makes older answers stale.
  const gen = useRef(0);
  const older = useRef<{ end: number; busy: boolean; exhausted: boolean }>({ end: 0, busy: false, exhausted: false });
  const loadOlderRef = useRef<() => void>(() => {});

  // The chart itself lives as long as the component.
  useEffect(() => {
    const el = box.current!;
    const c = createChart(el, {
      autoSize: true,
      layout: { attributionLogo: false, background: { type: ColorType.Solid, color: '#ffffff' }, textColor: '#1c2330', fontSize: 11 },
      grid: { vertLines: { color: '#f0f2f5' }, horzLines: { color: '#f0f2f5' } },
      rightPriceScale: { borderColor: '#e2e5ea' },
      timeScale: { borderColor: '#e2e5ea', timeVisible: true, secondsVisible: false, rightOffset: 3 },
      crosshair: { mode: 0 },
    });
    candles.current = c.addSeries(CandlestickSeries, {
      upColor: UP, downColor: DOWN, borderUpColor: UP, borderDownColor: DOWN, wickUpColor: UP, wickDownColor: DOWN,
    });
    candles.current.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.25 } });
    volumes.current = c.addSeries(HistogramSeries, { priceFormat: { type: 'volume' }, priceScaleId: 'vol', lastValueVisible: false, priceLineVisible: false });
    c.priceScale('vol').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    c.timeScale().subscribeVisibleLogicalRangeChange((r) => {
      if (r && r.from < 10) loadOlderRef.current();
    });
    c.subscribeCrosshairMove((p) => {
      const t = p.time as number | undefined;
      setLegend(t === undefined ? null : bars.current.find((b) => b.time === t) ?? null);
    });
    chart.current = c;
    return () => {
      c.remove();
      chart.current = null;
      candles.current = null;
      volumes.current = null;
    };
  }, []);

  const draw = () => {
    candles.current?.setData(bars.current.map(candle));
    volumes.current?.setData(bars.current.map(vol));
    setCount(bars.current.length);
  };

  // History for the security and period; pushes that arrive while it loads wait.
  useEffect(() => {
    const my = ++gen.current;
    let security: { market: number; code: string };
    try {
      security = parseSymbol(secKey).security;
    } catch {
      return;
    }
    const fetchKL = (req: HistoryRequest) => api.post<HistoryAnswer>('/api/history-kline', req);
    bars.current = [];
    draw();
    setPushes(0);
    setLegend(null);
    setStatus({ loading: true, exhausted: false, error: '' });
    older.current = { end: 0, busy: true, exhausted: false };
    let pending: Bar[] = [];
    let loaded = false;

    const onPush = (b: Bar) => {
      if (!loaded) {
        pending.push(b);
        return;
      }
      const r = applyLive(bars.current, b);
      bars.current = r.bars;
      if (r.op === 'update' || r.op === 'append') {
        candles.current?.update(candle(b));
        volumes.current?.update(vol(b));
        if (r.op === 'append') setCount(r.bars.length);
      } else if (r.op === 'insert') {
        draw();
      }
      if (r.op !== 'ignore') setPushes((n) => n + 1);
    };
    const off = feed.on('quote', 3007, secKey, (f) => {
      if (f.type !== 'quote') return;
      const p = decodeKL(base64ToBytes(f.body_b64));
      if (!p || p.klType !== period.klType) return;
      for (const k of p.bars) {
        const b = toBar(k);
        if (b) onPush(b);
      }
    });

    loadOlderRef.current = () => {
      const o = older.current;
      if (o.busy || o.exhausted || gen.current !== my) return;
      o.busy = true;
      setStatus((s) => ({ ...s, loading: true }));
      loadHistory(fetchKL, security, period, o.end, { minBars: 60 })
        .then((h) => {
          if (gen.current !== my) return;
          const before = bars.current.length;
          bars.current = [...h.bars.filter((b) => bars.current.length === 0 || b.time < bars.current[0].time), ...bars.current];
          older.current = { end: h.nextEnd, busy: false, exhausted: h.exhausted };
          if (bars.current.length !== before) draw();
          setStatus({ loading: false, exhausted: h.exhausted, error: '' });
        })
        .catch((e) => {
          if (gen.current !== my) return;
          older.current.busy = false;
          setStatus({ loading: false, exhausted: false, error: userMessage(e, t('act.loadOlder'), t) });
        });
    };

    loadHistory(fetchKL, security, period, latestEnd(Date.now()))
      .then((h) => {
        if (gen.current !== my) return;
        bars.current = h.bars;
        loaded = true;
        const queued = pending;
        pending = [];
        draw();
        for (const b of queued) onPush(b);
        chart.current?.timeScale().scrollToRealTime();
        older.current = { end: h.nextEnd, busy: false, exhausted: h.exhausted };
        setStatus({ loading: false, exhausted: h.exhausted, error: '' });
      })
      .catch((e) => {
        if (gen.current !== my) return;
        loaded = true;
        older.current.busy = false;
        setStatus({ loading: false, exhausted: false, error: userMessage(e, t('act.loadChart', { period: t(`period.${period.id}` as MsgKey), sec: secKey }), t) });
      });
    return () => {
      off();
      loadOlderRef.current = () => {};
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- draw reads refs only
  }, [api, feed, secKey, period]);

  const newest = bars.current[bars.current.length - 1] ?? null;
  const last = legend ?? newest;
  return (
    <>
      <div className="chart-head">
        <h2>
          {secKey} <span className="muted small">{periodLabel(period)}</span>
        </h2>
        <div className="periods" role="group" aria-label={t('chart.period')} data-testid="chart-periods">
          {PERIODS.map((p) => (
            <button
              type="button"
              key={p.id}
              className={p.id === period.id ? 'on' : ''}
              aria-pressed={p.id === period.id}
              onClick={() => onPeriod(p)}
              data-testid={`chart-period-${p.id}`}
            >
              {periodLabel(p)}
            </button>
          ))}
        </div>
      </div>
      <div className="chart-legend mono small" data-testid="chart-legend">
        {last ? (
          <>
            O <b>{fmtPrice(last.open)}</b> H <b>{fmtPrice(last.high)}</b> L <b>{fmtPrice(last.low)}</b> C{' '}
            <b className={last.close >= last.open ? 'pos' : 'neg'}>{fmtPrice(last.close)}</b> V <b>{fmtVolume(last.volume)}</b>
          </>
        ) : (
          <span className="muted">{status.loading ? t('chart.loading') : t('chart.noBars')}</span>
        )}
        {status.loading && last && <span className="muted"> · {t('chart.loading')}</span>}
        {status.exhausted && <span className="muted"> · {t('chart.start')}</span>}
      </div>
      {status.error && (
        <p className="banner banner-error small" data-testid="chart-error">
          {status.error}
        </p>
      )}
      <div
        ref={box}
        className="chart-box"
        data-testid="chart"
        data-sec={secKey}
        data-period={period.id}
        data-bars={count}
        data-pushes={pushes}
        data-last={newest ? `${formatTime(newest.time)} ${newest.close}` : ''}
        data-loading={status.loading ? 'true' : 'false'}
      />
      <p className="attribution small muted">
        {t('chart.by')}{' '}
        <a href="https://www.tradingview.com/" target="_blank" rel="noopener noreferrer">
          TradingView Lightweight Charts™
        </a>{' '}
        © 2023 TradingView, Inc.
      </p>
    </>
  );
}
