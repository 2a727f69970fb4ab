// REST shapes (proto field names). 64-bit integers arrive as JSON strings.

export type Security = { market: number; code: string };

export type KeyLimits = {
  allowed_markets?: string[];
  allowed_symbols?: string[];
  allowed_trd_sides?: string[];
  allowed_acc_ids?: string[];
  max_order_value?: number | null;
  max_daily_value?: number | null;
  max_orders_per_minute?: number | null;
  hours_window?: string | null;
};

export type KeyInfo = {
  id: string;
  scopes: string[];
  limits?: KeyLimits | null;
  created_at?: string;
  expires_at?: string;
  note?: string;
  parent_id?: string;
  long_lived_override?: boolean;
  /** Names a session across refreshes; equals id for a key that is not a session key. */
  session_id?: string;
};

/** Scopes a key may hold (GET /api/auth/whoami lists them in KeyInfo.scopes). */
export const SCOPE_ACC_READ = 'acc:read';
export const SCOPE_TRADE_SIMULATE = 'trade:simulate';
export const SCOPE_TRADE_REAL = 'trade:real';

export type SessionResponse = { key: string; info: KeyInfo };

export type BasicQuoteJSON = {
  security: Security;
  sec_key: string;
  name: string;
  cur_price: number;
  last_close_price: number;
  open_price: number;
  high_price: number;
  low_price: number;
  volume: string | number;
  update_time?: string;
};

export type StaticInfo = { security: Security; sec_key: string; name: string; lot_size: number };

export type TrdEnvName = 'TRD_ENV_SIMULATE' | 'TRD_ENV_REAL';

export type Account = { acc_id: string; trd_env: TrdEnvName; trd_markets: string[]; acc_type?: number };

export type Funds = { power: number; total_assets: number; cash: number; market_val: number; frozen_cash: number; currency: number };

export type Position = { code: string; name: string; qty: number; can_sell_qty: number; price: number; cost_price: number; val: number; pl_val: number };

/**
 * Trd_Common.OrderStatus as the REST API names it (grpc-gateway enum names). The 2208
 * order pushes carry the bare number (Futu's protobuf), and older servers sent the
 * number over REST too: src/lib/orderStatus.ts maps both to one code and label.
 */
export type OrderStatusName =
  | 'ORDER_STATUS_UNSUBMITTED'
  | 'ORDER_STATUS_UNKNOWN'
  | 'ORDER_STATUS_WAITING_SUBMIT'
  | 'ORDER_STATUS_SUBMITTING'
  | 'ORDER_STATUS_SUBMIT_FAILED'
  | 'ORDER_STATUS_TIMEOUT'
  | 'ORDER_STATUS_SUBMITTED'
  | 'ORDER_STATUS_FILLED_PART'
  | 'ORDER_STATUS_FILLED_ALL'
  | 'ORDER_STATUS_CANCELLING_PART'
  | 'ORDER_STATUS_CANCELLING_ALL'
  | 'ORDER_STATUS_CANCELLED_PART'
  | 'ORDER_STATUS_CANCELLED_ALL'
  | 'ORDER_STATUS_FAILED'
  | 'ORDER_STATUS_DISABLED'
  | 'ORDER_STATUS_DELETED'
  | 'ORDER_STATUS_FILL_CANCELLED';

/** An order's status in either form: the REST enum name or Futu's number (pushes). */
export type OrderStatusValue = OrderStatusName | number;

export type Order = {
  order_id: string;
  code: string;
  name: string;
  trd_side: string | number;
  order_type: string | number;
  order_status: OrderStatusValue;
  qty: number;
  price: number;
  fill_qty: number;
  fill_avg_price: number;
  create_time: string;
  update_time: string;
  last_err_msg: string;
  remark?: string;
  /** Conditional terms as /api/orders echoes them (absent or 0 when the order has none). */
  aux_price?: number;
  trail_type?: string | number;
  trail_value?: number;
  trail_spread?: number;
  time_in_force?: string | number;
  fill_outside_rth?: boolean;
};

export type AccountRef = { trd_env: TrdEnvName; acc_id: string; trd_market: string };
