package qot

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	"github.com/futugw/gateway/api/gen/go/futu/opend/qotgetipolist"
	"github.com/futugw/gateway/opend/server"
	"github.com/futugw/gateway/opend/sim/calendar"
	"github.com/futugw/gateway/opend/sim/market"
	"google.golang.org/protobuf/proto"
)

// ipoCount is how many upcoming IPOs each market lists.
const ipoCount = 4

// marketSeed is a seed for market-wide synthetic data (the IPO calendar),
// derived like synthSeed from the universe's first security.
func (s *Service) marketSeed(qotMarket int32) uint64 {
	insts := s.m.Instruments()
	if len(insts) == 0 {
		return mix(uint64(qotMarket))
	}
	return mix(s.synthSeed(insts[0].Key()) ^ uint64(qotMarket)*0x49504f)
}

// ipo is one upcoming listing: its security and calendar.
type ipo struct {
	sec                *qotcommon.Security
	name               string
	listed, applyEnd   calendar.Date // applyEnd: subscription closes (HK), applies (CN)
	winning            calendar.Date // CN: winning numbers published
	priceMin, priceMax float64
	issueSize, lotSize int64
	h                  uint64
}

var usIPONames = []string{"Northwind Robotics", "Bluepeak Therapeutics", "Cirrus Data Systems", "Harborline Energy",
	"Quillfeather AI", "Meridian Freight"}

// upcomingIPOs lists a market's IPOs: listing on trading days 3 to 30 days
// after the sim clock's today, codes that no listed security uses.
func (s *Service) upcomingIPOs(cal calendar.Market, qotMarket int32) []ipo {
	today, _ := s.marketToday(qotMarket)
	seed := s.marketSeed(int32(cal))
	var out []ipo
	for i := range ipoCount {
		h := mix(seed + uint64(i)*0x9e37)
		listed := today.AddDays(3 + i*7 + int(h%5))
		if !calendar.IsTradingDay(cal, listed) {
			listed = calendar.NextTradingDay(cal, listed)
		}
		p := ipo{listed: listed, h: h}
		p.priceMin = math.Round((5+45*unit(mix(h+1)))*100) / 100
		p.priceMax = math.Round(p.priceMin*(1.1+0.2*unit(mix(h+2)))*100) / 100
		p.issueSize = int64(1e7 * (1 + math.Floor(20*unit(mix(h+3)))))
		switch cal {
		case calendar.HK:
			n := 2500 + i*37 + int(h%30)
			for s.listed(market.MarketHK, fmt.Sprintf("%05d", n)) {
				n++
			}
			code := fmt.Sprintf("%05d", n)
			p.sec = &qotcommon.Security{Market: proto.Int32(market.MarketHK), Code: proto.String(code)}
			p.name = fmt.Sprintf("SIM IPO %s", code)
			p.lotSize = []int64{100, 200, 500, 1000}[h%4]
			p.applyEnd = calendar.PrevTradingDay(cal, calendar.PrevTradingDay(cal, listed))
		case calendar.US:
			code := fmt.Sprintf("SIP%c", 'A'+rune(i))
			p.sec = &qotcommon.Security{Market: proto.Int32(market.MarketUS), Code: proto.String(code)}
			p.name = usIPONames[(int(h%uint64(len(usIPONames)))+i)%len(usIPONames)]
		default:
			sh := i%2 == 0
			code := fmt.Sprintf("301%03d", 100+int(h%800))
			mkt := int32(qotcommon.QotMarket_QotMarket_CNSZ_Security)
			if sh {
				code = fmt.Sprintf("688%03d", 100+int(h%800))
				mkt = int32(qotcommon.QotMarket_QotMarket_CNSH_Security)
			}
			p.sec = &qotcommon.Security{Market: proto.Int32(mkt), Code: proto.String(code)}
			p.name = "模拟新股" + code[3:]
			// A-share subscription closes about a week before listing, the
			// winning numbers come two trading days after.
			p.applyEnd = calendar.PrevTradingDay(cal, listed.AddDays(-6))
			p.winning = calendar.NextTradingDay(cal, calendar.NextTradingDay(cal, p.applyEnd))
		}
		out = append(out, p)
	}
	return out
}

// listed reports whether the universe already has the code.
func (s *Service) listed(mkt int32, code string) bool {
	_, ok := s.m.Instrument(mkt, code)
	return ok
}

func dateStamp(d calendar.Date, cal calendar.Market) (*string, *float64) {
	return proto.String(d.String()), proto.Float64(float64(d.In(calendar.Location(cal)).Unix()))
}

// getIpoList lists a market's upcoming IPOs with the market's extra data.
func (s *Service) getIpoList(_ context.Context, _ *server.Conn, req server.Request) (proto.Message, error) {
	var in qotgetipolist.Request
	if err := decode("Qot_GetIpoList", req.Body, &in); err != nil {
		return nil, err
	}
	mkt := in.GetC2S().GetMarket()
	if !slices.Contains(plateMarkets, mkt) {
		return nil, toEnvelope(failf(codeInvalid, "market %d: IPO lists exist for 1 HK, 11 US, 21 SH and 22 SZ", mkt))
	}
	cal, _ := calendarOf(mkt)
	if isCN(mkt) {
		cal = calendar.CNSH
	}
	today, _ := s.marketToday(mkt)
	out := &qotgetipolist.S2C{}
	for _, p := range s.upcomingIPOs(cal, mkt) {
		d := &qotgetipolist.IpoData{Basic: &qotgetipolist.BasicIpoData{Security: p.sec, Name: proto.String(p.name)}}
		d.Basic.ListTime, d.Basic.ListTimestamp = dateStamp(p.listed, cal)
		switch cal {
		case calendar.HK:
			ex := &qotgetipolist.HKIpoExData{
				IpoPriceMin: proto.Float64(p.priceMin), IpoPriceMax: proto.Float64(p.priceMax), ListPrice: proto.Float64(0),
				LotSize: proto.Int32(int32(p.lotSize)),
				// Entrance fee: a lot at the top price plus 1% brokerage,
				// 0.0027% SFC levy, 0.00565% trading fee and 0.00015% FRC levy.
				EntrancePrice:     proto.Float64(math.Round(p.priceMax*float64(p.lotSize)*1.0100850*100) / 100),
				IsSubscribeStatus: proto.Bool(!today.After(p.applyEnd)),
			}
			ex.ApplyEndTime, ex.ApplyEndTimestamp = dateStamp(p.applyEnd, cal)
			d.HkExData = ex
		case calendar.US:
			d.UsExData = &qotgetipolist.USIpoExData{IpoPriceMin: proto.Float64(p.priceMin),
				IpoPriceMax: proto.Float64(p.priceMax), IssueSize: proto.Int64(p.issueSize)}
		default:
			d.CnExData = cnIpoExData(p, today)
		}
		out.IpoList = append(out.IpoList, d)
	}
	return &qotgetipolist.Response{RetType: succeed(), S2C: out}, nil
}

func cnIpoExData(p ipo, today calendar.Date) *qotgetipolist.CNIpoExData {
	code := p.sec.GetCode()
	applyCode := code
	if p.sec.GetMarket() == int32(qotcommon.QotMarket_QotMarket_CNSH_Security) {
		applyCode = "787" + code[3:] // STAR market subscription codes
	}
	price := math.Round(p.priceMin*100) / 100
	online := p.issueSize / 4
	won := !today.Before(p.winning)
	ex := &qotgetipolist.CNIpoExData{
		ApplyCode:              proto.String(applyCode),
		IssueSize:              proto.Int64(p.issueSize),
		OnlineIssueSize:        proto.Int64(online),
		ApplyUpperLimit:        proto.Int64(online / 1000 / 500 * 500),
		ApplyLimitMarketValue:  proto.Int64(online / 1000 / 500 * 500 * 10),
		IsEstimateIpoPrice:     proto.Bool(today.Before(p.applyEnd)),
		IpoPrice:               proto.Float64(price),
		IndustryPeRate:         proto.Float64(math.Round((15+30*unit(mix(p.h+7)))*100) / 100),
		IsEstimateWinningRatio: proto.Bool(!won),
		WinningRatio:           proto.Float64(math.Round((0.02+0.06*unit(mix(p.h+8)))*10000) / 10000),
		IssuePeRate:            proto.Float64(math.Round((10+40*unit(mix(p.h+9)))*100) / 100),
		IsHasWon:               proto.Bool(won),
	}
	ex.ApplyTime, ex.ApplyTimestamp = dateStamp(p.applyEnd, calendar.CNSH)
	ex.WinningTime, ex.WinningTimestamp = dateStamp(p.winning, calendar.CNSH)
	if won {
		ex.WinningNumData = []*qotgetipolist.WinningNumData{{
			WinningName: proto.String("末\"四\"位数"), WinningInfo: proto.String(fmt.Sprintf("%04d,%04d", p.h%10000, (p.h>>16)%10000)),
		}}
	}
	return ex
}
