// The panel's languages: English and simplified Chinese. One dictionary (every key in
// both languages; tests/i18n.test.ts checks it), the choice following navigator.language
// until the user switches (kept in localStorage: the language name only), and number
// formatting through Intl for the chosen locale.
import { useSyncExternalStore } from 'react';

export type Lang = 'en' | 'zh';
export const LANGS: Lang[] = ['en', 'zh'];
export const LANG_KEY = 'futugw.lang';
/** The Intl locale of each language. */
export const LOCALE: Record<Lang, string> = { en: 'en-US', zh: 'zh-CN' };

const en = {
  'lang.name': 'English',
  'lang.switch': 'Language',
  'status.ws': 'WS',
  'status.ws.connecting': 'connecting',
  'status.ws.open': 'live',
  'status.ws.reconnecting': 'reconnecting',
  'status.ws.closed': 'offline',
  'status.opend': 'OpenD',
  'status.opend.up': 'connected',
  'status.opend.down': 'disconnected',
  'status.session': 'session {min} min',
  'status.logout': 'Log out',
  'market.label': 'Market state',
  'market.HK': 'HK',
  'market.US': 'US',
  'market.SH': 'SH',
  'market.SZ': 'SZ',
  'market.loading': 'market state…',
  'market.unavailable': 'market state unavailable',
  'state.none': 'No state',
  'state.auction': 'Auction',
  'state.waitingOpen': 'Waiting to open',
  'state.morning': 'Morning trading',
  'state.lunch': 'Lunch break',
  'state.afternoon': 'Afternoon trading',
  'state.trading': 'Trading',
  'state.closed': 'Closed',
  'state.preMarket': 'Pre-market',
  'state.preMarketEnd': 'Pre-market ended',
  'state.afterHours': 'After hours',
  'state.afterHoursEnd': 'After hours ended',
  'state.closingAuction': 'Closing auction',
  'state.overnight': 'Overnight',
  'state.night': 'Night session',
  'state.other': 'State {n}',
  'watch.title': 'Watchlist',
  'watch.placeholder': 'HK.00700 or US.AAPL',
  'watch.symbol': 'symbol',
  'watch.add': 'Add',
  'watch.remove': 'remove {sym}',
  'col.symbol': 'Symbol',
  'col.last': 'Last',
  'col.change': 'Change',
  'col.highLow': 'High / Low',
  'col.volume': 'Volume',
  'col.code': 'Code',
  'col.qty': 'Qty',
  'col.canSell': 'Can sell',
  'col.price': 'Price',
  'col.cost': 'Cost',
  'col.pl': 'P/L',
  'col.name': 'Name',
  'futu.title': 'Futu watchlist',
  'futu.group': 'Group',
  'futu.loading': 'Loading…',
  'futu.empty': 'No securities in this group.',
  'futu.noGroups': 'No watchlist groups.',
  'futu.add': 'Add to group',
  'futu.input': 'symbol to add to the group',
  'futu.remove': 'remove {sym} from the group',
  'futu.noScope':
    'This key lacks the qot:write scope, so it cannot change your Futu watchlists (they are your Futu app’s own lists, so changing them is a separate permission). Viewing still works.',
  'futu.refused': 'The change was refused: {why}. The group is unchanged.',
  'futu.system': 'Groups made by Futu cannot be changed here.',
  'futu.added': '{sym} added to {group}.',
  'futu.removed': '{sym} removed from {group}.',
  'futu.show': 'Show {sym}',
  'acct.title': 'Funds and positions',
  'acct.viewing': 'Viewing account',
  'acct.none': 'no account',
  'acct.realTradable': 'REAL account: real money.',
  'acct.realViewOnly': 'REAL account: real money; this key may view it but not trade it.',
  'acct.viewOnly': 'This key may view this account but not trade it.',
  'acct.loading': 'Loading…',
  'acct.noneSelected': 'No account selected.',
  'acct.total': 'Total assets',
  'acct.cash': 'Cash',
  'acct.power': 'Buying power',
  'acct.marketVal': 'Market value',
  'acct.frozen': 'Frozen',
  'acct.noPositions': 'No positions.',
  'acct.live': 'live from quotes',
  'acct.real': 'a real-money account',
  'rt.title': 'Intraday',
  'rt.loading': 'Loading…',
  'rt.empty': 'No intraday data.',
  'rt.points': '{n} minutes',
  'rt.avg': 'avg',
  'broker.title': 'Broker queue',
  'broker.bid': 'Bid brokers',
  'broker.ask': 'Ask brokers',
  'broker.empty': 'No brokers queued.',
  'broker.loading': 'Loading…',
  'time.zone.HK': 'HKT',
  'time.zone.US': 'ET',
  'ticks.title': 'Time & sales',
  'ticks.price': 'Price',
  'col.time': 'Time',
  'book.title': 'Order book',
  'book.price': 'Price',
  'book.volume': 'Volume',
  'book.orders': '#',
  'book.mine': 'Mine',
  'book.spread': 'spread {v}',
  'book.none': 'no book',
  'book.loading': 'loading…',
  'book.beyond': 'Mine beyond these levels:',
  'book.usePrice': 'Use this price on the order ticket',
  'chart.period': 'period',
  'chart.loading': 'loading…',
  'chart.noBars': 'no bars',
  'chart.start': 'start of history',
  'period.1m': '1m',
  'period.5m': '5m',
  'period.15m': '15m',
  'period.60m': '60m',
  'period.day': 'Day',
  'period.week': 'Week',
  'period.month': 'Month',
  'col.actions': 'Actions',
  'login.title': 'futugw panel',
  'login.intro1': 'Paste an API key (',
  'login.intro2': '). It is exchanged for a 30-minute session key; only the session key is kept, in this tab’s session storage. Or open the session URL printed by',
  'login.or': 'or',
  'login.key': 'API key',
  'login.open': 'Open session',
  'login.opening': 'Opening session…',
} as const;

export type MsgKey = keyof typeof en;

const zh: Record<MsgKey, string> = {
  'lang.name': '简体中文',
  'lang.switch': '语言',
  'status.ws': 'WS',
  'status.ws.connecting': '连接中',
  'status.ws.open': '实时',
  'status.ws.reconnecting': '重新连接中',
  'status.ws.closed': '离线',
  'status.opend': 'OpenD',
  'status.opend.up': '已连接',
  'status.opend.down': '已断开',
  'status.session': '会话剩余 {min} 分钟',
  'status.logout': '退出登录',
  'market.label': '市场状态',
  'market.HK': '港股',
  'market.US': '美股',
  'market.SH': '沪市',
  'market.SZ': '深市',
  'market.loading': '市场状态…',
  'market.unavailable': '无法读取市场状态',
  'state.none': '无状态',
  'state.auction': '竞价',
  'state.waitingOpen': '等待开盘',
  'state.morning': '早盘',
  'state.lunch': '午间休市',
  'state.afternoon': '午盘',
  'state.trading': '交易中',
  'state.closed': '已收盘',
  'state.preMarket': '盘前交易',
  'state.preMarketEnd': '盘前结束',
  'state.afterHours': '盘后交易',
  'state.afterHoursEnd': '盘后结束',
  'state.closingAuction': '收市竞价',
  'state.overnight': '夜盘',
  'state.night': '夜市',
  'state.other': '状态 {n}',
  'watch.title': '自选股',
  'watch.placeholder': 'HK.00700 或 US.AAPL',
  'watch.symbol': '代码',
  'watch.add': '添加',
  'watch.remove': '移除 {sym}',
  'col.symbol': '代码',
  'col.last': '最新价',
  'col.change': '涨跌',
  'col.highLow': '最高 / 最低',
  'col.volume': '成交量',
  'col.code': '代码',
  'col.qty': '数量',
  'col.canSell': '可卖',
  'col.price': '现价',
  'col.cost': '成本',
  'col.pl': '盈亏',
  'col.name': '名称',
  'futu.title': '富途自选',
  'futu.group': '分组',
  'futu.loading': '加载中…',
  'futu.empty': '此分组没有证券。',
  'futu.noGroups': '没有自选分组。',
  'futu.add': '加入分组',
  'futu.input': '要加入分组的代码',
  'futu.remove': '从分组移除 {sym}',
  'futu.noScope': '此密钥没有 qot:write 权限，不能修改富途自选（它们是你富途 App 里的列表，修改需要单独授权）。查看不受影响。',
  'futu.refused': '修改被拒绝：{why}。分组未改变。',
  'futu.system': '富途的系统分组不能在此修改。',
  'futu.added': '已将 {sym} 加入 {group}。',
  'futu.removed': '已将 {sym} 从 {group} 移除。',
  'futu.show': '查看 {sym}',
  'acct.title': '资金与持仓',
  'acct.viewing': '查看账户',
  'acct.none': '无账户',
  'acct.realTradable': '真实账户：真实资金。',
  'acct.realViewOnly': '真实账户：真实资金；此密钥只能查看，不能交易。',
  'acct.viewOnly': '此密钥只能查看此账户，不能交易。',
  'acct.loading': '加载中…',
  'acct.noneSelected': '未选择账户。',
  'acct.total': '总资产',
  'acct.cash': '现金',
  'acct.power': '购买力',
  'acct.marketVal': '市值',
  'acct.frozen': '冻结',
  'acct.noPositions': '无持仓。',
  'acct.live': '按实时报价',
  'acct.real': '真实资金账户',
  'rt.title': '分时',
  'rt.loading': '加载中…',
  'rt.empty': '没有分时数据。',
  'rt.points': '{n} 分钟',
  'rt.avg': '均价',
  'broker.title': '经纪队列',
  'broker.bid': '买盘经纪',
  'broker.ask': '卖盘经纪',
  'broker.empty': '没有排队的经纪。',
  'broker.loading': '加载中…',
  'time.zone.HK': '香港时间',
  'time.zone.US': '美东时间',
  'ticks.title': '逐笔成交',
  'ticks.price': '成交价',
  'col.time': '时间',
  'book.title': '买卖盘',
  'book.price': '价格',
  'book.volume': '数量',
  'book.orders': '笔数',
  'book.mine': '我的',
  'book.spread': '价差 {v}',
  'book.none': '无买卖盘',
  'book.loading': '加载中…',
  'book.beyond': '超出以上档位的我的订单：',
  'book.usePrice': '将此价格填入下单',
  'chart.period': '周期',
  'chart.loading': '加载中…',
  'chart.noBars': '没有K线',
  'chart.start': '已到最早',
  'period.1m': '1分',
  'period.5m': '5分',
  'period.15m': '15分',
  'period.60m': '60分',
  'period.day': '日K',
  'period.week': '周K',
  'period.month': '月K',
  'col.actions': '操作',
  'login.title': 'futugw 交易面板',
  'login.intro1': '粘贴 API 密钥（',
  'login.intro2': '）。它会换成一个 30 分钟的会话密钥；只保存会话密钥，且只在此标签页的会话存储中。也可以打开以下命令打印的会话链接：',
  'login.or': '或',
  'login.key': 'API 密钥',
  'login.open': '打开会话',
  'login.opening': '正在打开会话…',
};

export const DICT: Record<Lang, Record<MsgKey, string>> = { en, zh };

/** translate looks a key up and fills {name} placeholders. */
export function translate(lang: Lang, key: MsgKey, vars?: Record<string, string | number>): string {
  let s: string = DICT[lang][key] ?? DICT.en[key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/** langFromNavigator picks zh for any Chinese browser language, else English. */
export function langFromNavigator(languages: readonly string[] | undefined, language?: string): Lang {
  const first = languages?.[0] ?? language ?? 'en';
  return /^zh\b/i.test(first) ? 'zh' : 'en';
}

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved === 'en' || saved === 'zh') return saved;
  } catch {
    /* storage unavailable */
  }
  if (typeof navigator === 'undefined') return 'en';
  return langFromNavigator(navigator.languages, navigator.language);
}

// A tiny store: components read the language with useLang() and re-render on a switch.
let current: Lang | null = null;
const listeners = new Set<() => void>();

export function getLang(): Lang {
  if (current === null) {
    current = initialLang();
    if (typeof document !== 'undefined') document.documentElement.lang = LOCALE[current];
  }
  return current;
}

/** setLang switches the language and remembers the choice (the name only). */
export function setLang(l: Lang) {
  current = l;
  try {
    localStorage.setItem(LANG_KEY, l);
  } catch {
    /* not remembered */
  }
  if (typeof document !== 'undefined') document.documentElement.lang = LOCALE[l];
  for (const fn of [...listeners]) fn();
}

function subscribe(fn: () => void) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export type T = (key: MsgKey, vars?: Record<string, string | number>) => string;

/** useLang returns the language and its translate function. */
export function useLang(): { lang: Lang; t: T } {
  const lang = useSyncExternalStore(subscribe, getLang, getLang);
  return { lang, t: (key, vars) => translate(lang, key, vars) };
}

// --- numbers ------------------------------------------------------------------------

const nfCache = new Map<string, Intl.NumberFormat>();
function nf(lang: Lang, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const k = lang + JSON.stringify(opts);
  let f = nfCache.get(k);
  if (!f) nfCache.set(k, (f = new Intl.NumberFormat(LOCALE[lang], opts)));
  return f;
}

/** fmtPrice: 2 to 3 decimals. */
export function fmtPrice(lang: Lang, v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  return nf(lang, { minimumFractionDigits: 2, maximumFractionDigits: 3 }).format(v);
}

/** fmtMoney: 2 decimals with grouping. */
export function fmtMoney(lang: Lang, v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  return nf(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v);
}

/** fmtSignedMoney: 2 decimals with an explicit sign for gains. */
export function fmtSignedMoney(lang: Lang, v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  return nf(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' }).format(v);
}

/** fmtVolume: compact (1.2M in English, 120万 in Chinese). */
export function fmtVolume(lang: Lang, v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  return nf(lang, { notation: 'compact', maximumFractionDigits: 2 }).format(v);
}

/** fmtInt: whole numbers with grouping. */
export function fmtInt(lang: Lang, v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  return nf(lang, { maximumFractionDigits: 0 }).format(v);
}
