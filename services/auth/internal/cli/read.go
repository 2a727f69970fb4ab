package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	catalogv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/catalog/v1"
	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
)

// read sends a read command to the quote or the order service and renders its
// answer.
func (c *Command) read(ctx context.Context, cc grpc.ClientConnInterface) (output, error) {
	switch c.Name {
	case "quote":
		r, err := gatewayv1.NewQuoteServiceClient(cc).GetBasicQuote(ctx,
			&gatewayv1.GetBasicQuoteRequest{SecurityList: c.Read.Securities})
		if err != nil {
			return output{}, err
		}
		return output{msg: r, text: quoteTable(r)}, nil
	case "kline":
		r, err := newestKLines(ctx, catalogv1.NewQuoteCatalogServiceClient(cc), c.Read, time.Now())
		if err != nil {
			return output{}, err
		}
		return output{msg: r, text: klineTable(r, c.Read)}, nil
	case "orders", "positions", "funds":
		return c.readAccounts(ctx, cc)
	}
	return output{}, fmt.Errorf("unknown command %q", c.Name)
}

// table renders rows under a header, aligned.
func table(header []string, rows [][]string) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(w, strings.Join(r, "\t"))
	}
	w.Flush()
	return b.String()
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func quoteTable(r *gatewayv1.GetBasicQuoteResponse) string {
	var rows [][]string
	for _, q := range r.GetQuotes() {
		change := "-"
		if last := q.GetLastClosePrice(); last != 0 {
			change = fmt.Sprintf("%+.2f%%", (q.GetCurPrice()-last)/last*100)
		}
		key := q.GetSecKey()
		if key == "" {
			key = secKey(q.GetSecurity().GetMarket(), q.GetSecurity().GetCode())
		}
		rows = append(rows, []string{key, q.GetName(), num(q.GetCurPrice()), change, num(q.GetOpenPrice()),
			num(q.GetHighPrice()), num(q.GetLowPrice()), strconv.FormatInt(q.GetVolume(), 10), q.GetUpdateTime()})
	}
	return table([]string{"SECURITY", "NAME", "PRICE", "CHANGE", "OPEN", "HIGH", "LOW", "VOLUME", "UPDATED"}, rows)
}

// historyKLPage is the page size asked of Qot_RequestHistoryKL.
const historyKLPage = 1000

// maxHistoryKLPages bounds the pages of one kline invocation.
const maxHistoryKLPages = 40

// klSpan is a first guess of the calendar time that holds n bars of kl, with room
// for weekends, holidays and the shortest trading day of the markets (4 hours).
func klSpan(kl catalogv1.KLType, n int) time.Duration {
	day := 24 * time.Hour
	minutes := map[catalogv1.KLType]int{catalogv1.KLType_KL_TYPE_1_MIN: 1, catalogv1.KLType_KL_TYPE_5_MIN: 5,
		catalogv1.KLType_KL_TYPE_15_MIN: 15, catalogv1.KLType_KL_TYPE_30_MIN: 30, catalogv1.KLType_KL_TYPE_60_MIN: 60}
	switch kl {
	case catalogv1.KLType_KL_TYPE_WEEK:
		return time.Duration(n*7+14) * day
	case catalogv1.KLType_KL_TYPE_MONTH:
		return time.Duration(n*31+62) * day
	case catalogv1.KLType_KL_TYPE_DAY:
		return time.Duration((n*7+4)/5+14) * day
	}
	tradingDays := (n*minutes[kl] + 239) / 240
	return time.Duration((tradingDays*7+4)/5+7) * day
}

// newestKLines returns the newest r.Count bars of r's security from the history
// K-line route (Qot_RequestHistoryKL, which needs no subscription): it asks for a
// time range that should hold them, up to tomorrow (OpenD reads dates in the
// market's time zone), follows next_req_key, and widens the range when the market
// had fewer bars in it than asked for.
func newestKLines(ctx context.Context, qc catalogv1.QuoteCatalogServiceClient, r readArgs, now time.Time) (*catalogv1.RequestHistoryKLResponse, error) {
	sec := &catalogv1.Security{Market: proto.Int32(r.Securities[0].GetMarket()), Code: proto.String(r.Securities[0].GetCode())}
	end := now.UTC().AddDate(0, 0, 1)
	span := klSpan(r.Period, r.Count)
	var out *catalogv1.RequestHistoryKLResponse
	pages := 0
	for attempt := 0; ; attempt++ {
		req := &catalogv1.RequestHistoryKLRequest{
			RehabType: r.Rehab.Enum(), KlType: r.Period.Enum(), Security: sec,
			BeginTime:   proto.String(end.Add(-span).Format(time.DateOnly)),
			EndTime:     proto.String(end.Format(time.DateOnly)),
			MaxAckKlNum: proto.Int32(historyKLPage),
		}
		out = &catalogv1.RequestHistoryKLResponse{}
		for {
			resp, err := qc.RequestHistoryKL(ctx, req)
			if err != nil {
				return nil, err
			}
			pages++
			out.Security, out.Name = resp.Security, resp.Name
			out.KlList = append(out.KlList, resp.GetKlList()...)
			if len(resp.GetNextReqKey()) == 0 || pages >= maxHistoryKLPages {
				break
			}
			req.NextReqKey = resp.GetNextReqKey()
		}
		if len(out.KlList) >= r.Count || attempt == 3 || pages >= maxHistoryKLPages {
			break
		}
		span *= 4
	}
	if n := len(out.KlList); n > r.Count {
		out.KlList = out.KlList[n-r.Count:]
	}
	return out, nil
}

func klineTable(r *catalogv1.RequestHistoryKLResponse, a readArgs) string {
	period := ""
	for _, p := range klPeriods {
		if p.kl == a.Period {
			period = p.name
		}
	}
	var rows [][]string
	for _, k := range r.GetKlList() {
		rows = append(rows, []string{k.GetTime(), num(k.GetOpenPrice()), num(k.GetHighPrice()), num(k.GetLowPrice()),
			num(k.GetClosePrice()), strconv.FormatInt(k.GetVolume(), 10), num(k.GetTurnover())})
	}
	head := fmt.Sprintf("%s %s: %d %s bars (%s)\n", secKey(r.GetSecurity().GetMarket(), r.GetSecurity().GetCode()),
		r.GetName(), len(rows), period, strings.ToLower(strings.TrimPrefix(a.Rehab.String(), "REHAB_TYPE_")))
	return head + table([]string{"TIME", "OPEN", "HIGH", "LOW", "CLOSE", "VOLUME", "TURNOVER"}, rows)
}

// target is one account in one market: what ListOrders, GetPositions and GetFunds
// take.
type target struct {
	env    gatewayv1.TrdEnv
	acc    uint64
	market gatewayv1.TrdMarket
}

// targets lists the accounts and markets an account command reads: those the key
// sees (ListAccounts), narrowed by --acc-id, --env and --market. An --acc-id the
// key does not list is asked for anyway, so that the gateway says why it refuses.
func (a readArgs) targets(ctx context.Context, ac gatewayv1.AccountServiceClient) ([]target, error) {
	list, err := ac.ListAccounts(ctx, &gatewayv1.ListAccountsRequest{})
	if err != nil {
		return nil, err
	}
	var out []target
	for _, acc := range list.GetAccounts() {
		if (a.AccID != 0 && acc.GetAccId() != a.AccID) || (a.Env != nil && acc.GetTrdEnv() != *a.Env) {
			continue
		}
		for _, m := range acc.GetTrdMarkets() {
			if a.Market == gatewayv1.TrdMarket_TRD_MARKET_UNKNOWN || m == a.Market {
				out = append(out, target{env: acc.GetTrdEnv(), acc: acc.GetAccId(), market: m})
			}
		}
	}
	if a.AccID != 0 && len(out) == 0 {
		t := target{env: gatewayv1.TrdEnv_TRD_ENV_SIMULATE, acc: a.AccID, market: a.Market}
		if a.Env != nil {
			t.env = *a.Env
		}
		if t.market == gatewayv1.TrdMarket_TRD_MARKET_UNKNOWN {
			t.market = gatewayv1.TrdMarket_TRD_MARKET_HK
		}
		out = append(out, t)
	}
	return out, nil
}

// accountResult is one target's answer.
type accountResult struct {
	target
	msg proto.Message
}

// readAccounts runs orders, positions or funds for every target.
func (c *Command) readAccounts(ctx context.Context, cc grpc.ClientConnInterface) (output, error) {
	targets, err := c.Read.targets(ctx, gatewayv1.NewAccountServiceClient(cc))
	if err != nil {
		return output{}, err
	}
	oc, ac := gatewayv1.NewOrderServiceClient(cc), gatewayv1.NewAccountServiceClient(cc)
	var results []accountResult
	var rows [][]string
	for _, t := range targets {
		var msg proto.Message
		switch c.Name {
		case "orders":
			r, err := oc.ListOrders(ctx, &gatewayv1.ListOrdersRequest{TrdEnv: t.env, AccId: t.acc, TrdMarket: t.market})
			if err != nil {
				return output{}, err
			}
			for _, o := range r.GetOrders() {
				rows = append(rows, append(t.columns(), o.GetOrderId(), o.GetCode(), o.GetName(),
					trimEnum(o.GetTrdSide().String(), "TRD_SIDE_"), trimEnum(o.GetOrderType().String(), "ORDER_TYPE_"),
					trimEnum(o.GetOrderStatus().String(), "ORDER_STATUS_"), num(o.GetQty()), num(o.GetPrice()),
					num(o.GetFillQty()), num(o.GetFillAvgPrice()), o.GetCreateTime()))
			}
			msg = r
		case "positions":
			r, err := ac.GetPositions(ctx, &gatewayv1.GetPositionsRequest{TrdEnv: t.env, AccId: t.acc, TrdMarket: t.market})
			if err != nil {
				return output{}, err
			}
			for _, p := range r.GetPositions() {
				rows = append(rows, append(t.columns(), p.GetCode(), p.GetName(), num(p.GetQty()), num(p.GetCanSellQty()),
					num(p.GetPrice()), num(p.GetCostPrice()), num(p.GetVal()), num(p.GetPlVal())))
			}
			msg = r
		case "funds":
			r, err := ac.GetFunds(ctx, &gatewayv1.GetFundsRequest{TrdEnv: t.env, AccId: t.acc, TrdMarket: t.market})
			if err != nil {
				return output{}, err
			}
			rows = append(rows, append(t.columns(), num(r.GetPower()), num(r.GetTotalAssets()), num(r.GetCash()),
				num(r.GetMarketVal()), num(r.GetFrozenCash()), trimEnum(catalogv1.Currency(r.GetCurrency()).String(), "CURRENCY_")))
			msg = r
		}
		results = append(results, accountResult{t, msg})
	}
	doc, err := accountsDoc(c.Name, results)
	if err != nil {
		return output{}, err
	}
	if len(targets) == 0 {
		return output{doc: doc, text: "no account: the key sees none (or none matches --env and --market)\n"}, nil
	}
	header := map[string][]string{
		"orders":    {"ORDER_ID", "CODE", "NAME", "SIDE", "TYPE", "STATUS", "QTY", "PRICE", "FILLED", "AVG_PRICE", "CREATED"},
		"positions": {"CODE", "NAME", "QTY", "CAN_SELL", "PRICE", "COST", "VALUE", "P/L"},
		"funds":     {"POWER", "TOTAL_ASSETS", "CASH", "MARKET_VAL", "FROZEN", "CURRENCY"},
	}[c.Name]
	return output{doc: doc, text: table(append([]string{"ACC_ID", "ENV", "MARKET"}, header...), rows)}, nil
}

func (t target) columns() []string {
	return []string{strconv.FormatUint(t.acc, 10), trimEnum(t.env.String(), "TRD_ENV_"), trimEnum(t.market.String(), "TRD_MARKET_")}
}

func trimEnum(name, prefix string) string { return strings.TrimPrefix(name, prefix) }

// accountsDoc is the --json form of an account command: one entry per account and
// market, {"acc_id", "trd_env", "trd_market"} with the answer's list ("orders",
// "positions", always present) or the funds ("funds").
func accountsDoc(name string, results []accountResult) (any, error) {
	entries := make([]map[string]any, 0, len(results))
	for _, r := range results {
		b, err := protoJSON.Marshal(r.msg)
		if err != nil {
			return nil, err
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(b, &fields); err != nil {
			return nil, err
		}
		e := map[string]any{"acc_id": strconv.FormatUint(r.acc, 10), "trd_env": r.env.String(), "trd_market": r.market.String()}
		switch name {
		case "funds":
			e["funds"] = json.RawMessage(b)
		default:
			e[name] = json.RawMessage("[]")
			if v, ok := fields[name]; ok {
				e[name] = v
			}
		}
		entries = append(entries, e)
	}
	return map[string]any{"accounts": entries}, nil
}
