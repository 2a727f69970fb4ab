// The selected security's intraday (RT) line: today's minutes from /api/rt, then kept
// live by 3009 pushes; times on the market's own clock (HKT, ET).
import { useEffect, useRef, useState } from 'react';
import { ColorType, createChart, LineSeries, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts';
import type { ApiClient } from '../api/client';
import type { Feed } from '../lib/feed';
import { parseSymbol } from '../lib/symbols';
import { fmtPrice, useLang } from '../lib/i18n';
import { zoneName, zoneOffsetSeconds } from '../lib/marketState';
import { base64ToBytes } from '../proto/decode';
import { decodeRT, mergeRT, rtFromJSON, type RTPoint } from '../proto/decodeMarket';

export function Intraday(props: { api: ApiClient; feed: Feed; secKey: string; ready: boolean }) {
  const { api, feed, secKey, ready } = props;
  const { lang, t } = useLang();
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const line = useRef<ISeriesApi<'Line'> | null>(null);
  const avg = useRef<ISeriesApi<'Line'> | null>(null);
  const [points, setPoints] = useState<RTPoint[] | null>(null);
  const [pushes, setPushes] = useState(0);
  const market = secKey.split('.')[0];

  useEffect(() => {
    const c = createChart(box.current!, {
      autoSize: true,
      layout: { attributionLogo: false, background: { type: ColorType.Solid, color: '#ffffff' }, textColor: '#1c2330', fontSize: 11 },
      grid: { vertLines: { color: '#f0f2f5' }, horzLines: { color: '#f0f2f5' } },
      rightPriceScale: { borderColor: '#e2e5ea' },
      timeScale: { borderColor: '#e2e5ea', timeVisible: true, secondsVisible: false },
      crosshair: { mode: 0 },
    });
    line.current = c.addSeries(LineSeries, { color: '#2459d6', lineWidth: 2 });
    avg.current = c.addSeries(LineSeries, { color: '#b25b00', lineWidth: 1, lastValueVisible: false, priceLineVisible: false });
    chart.current = c;
    return () => {
      c.remove();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    setPoints(null);
    setPushes(0);
    return feed.on('quote', 3009, secKey, (f) => {
      if (f.type !== 'quote') return;
      const r = decodeRT(base64ToBytes(f.body_b64));
      if (!r || !r.points.length) return;
      setPoints((prev) => mergeRT(prev ?? [], r.points));
      setPushes((n) => n + 1);
    });
  }, [feed, secKey]);

  useEffect(() => {
    if (!ready) return;
    let security;
    try {
      security = parseSymbol(secKey).security;
    } catch {
      return;
    }
    let stop = false;
    api
      .post<{ rt_list?: unknown }>('/api/rt', { security })
      .then((r) => {
        if (!stop) setPoints((prev) => mergeRT(rtFromJSON(r.rt_list), prev ?? []));
      })
      .catch(() => {
        if (!stop) setPoints((prev) => prev ?? []);
      });
    return () => {
      stop = true;
    };
  }, [api, secKey, ready]);

  useEffect(() => {
    const list = points ?? [];
    const off = list.length ? zoneOffsetSeconds(market, list[list.length - 1].ts * 1000) : 0;
    line.current?.setData(list.map((p) => ({ time: (p.ts + off) as UTCTimestamp, value: p.price })));
    avg.current?.setData(list.filter((p) => p.avg > 0).map((p) => ({ time: (p.ts + off) as UTCTimestamp, value: p.avg })));
    if (list.length) chart.current?.timeScale().fitContent();
  }, [points, market]);

  const last = points?.[points.length - 1];
  return (
    <div data-testid="rt" data-sec={secKey} data-points={points?.length ?? 0} data-pushes={pushes}>
      <h2>
        {t('rt.title')} <span className="muted small">{secKey} · {zoneName(lang, market)}</span>
      </h2>
      <p className="muted small rt-legend">
        {points === null
          ? t('rt.loading')
          : points.length === 0
            ? t('rt.empty')
            : `${t('rt.points', { n: points.length })} · ${fmtPrice(lang, last?.price)} · ${t('rt.avg')} ${fmtPrice(lang, last?.avg)}`}
      </p>
      <div ref={box} className="rt-box" />
    </div>
  );
}
