package qot

import (
	"cmp"
	"strings"

	"github.com/futugw/gateway/api/gen/go/futu/opend/qotstockfilter"
	"google.golang.org/protobuf/proto"
)

// criterion is one base or accumulate filter, normalised.
type criterion struct {
	value    func(screenRow) float64 // nil for code and name
	text     func(screenRow) string  // code or name
	days     int                     // accumulate window; 0 for base fields
	min, max *float64
	filter   bool
	sortDir  qotstockfilter.SortDir
	emit     func(*qotstockfilter.StockData, screenRow)
}

func (c criterion) keep(r screenRow) bool {
	if !c.filter || c.value == nil {
		return true
	}
	v := trunc3(c.value(r))
	return (c.min == nil || v >= *c.min) && (c.max == nil || v <= *c.max)
}

func (c criterion) compare(a, b screenRow) int {
	if c.text != nil {
		return strings.Compare(c.text(a), c.text(b))
	}
	return cmp.Compare(c.value(a), c.value(b))
}

// filterApplies follows the proto: a filter is applied only when isNoFilter
// is set to false (absent means "do not filter", as the SDKs send it).
func filterApplies(isNoFilter *bool) bool { return isNoFilter != nil && !*isNoFilter }

func checkSortDir(d int32) (qotstockfilter.SortDir, error) {
	if _, ok := qotstockfilter.SortDir_name[d]; !ok {
		return 0, failf(codeInvalid, "sortDir %d: want 0 No, 1 Ascend or 2 Descend", d)
	}
	return qotstockfilter.SortDir(d), nil
}

func baseCriterion(f *qotstockfilter.BaseFilter) (criterion, error) {
	field := qotstockfilter.StockField(f.GetFieldName())
	dir, err := checkSortDir(f.GetSortDir())
	if err != nil {
		return criterion{}, err
	}
	c := criterion{min: f.FilterMin, max: f.FilterMax, filter: filterApplies(f.IsNoFilter), sortDir: dir}
	switch field {
	case qotstockfilter.StockField_StockField_StockCode, qotstockfilter.StockField_StockField_StockName:
		if c.filter && (c.min != nil || c.max != nil) {
			return criterion{}, failf(codeInvalid, "%s takes no filterMin or filterMax; it can only sort", field)
		}
		c.text = func(r screenRow) string { return r.q.Code }
		if field == qotstockfilter.StockField_StockField_StockName {
			c.text = func(r screenRow) string { return r.q.Name }
		}
		c.emit = func(*qotstockfilter.StockData, screenRow) {}
		return c, nil
	}
	value, ok := stockFields[field]
	if !ok {
		if _, named := qotstockfilter.StockField_name[int32(field)]; named && field != 0 {
			return criterion{}, failf(codeUnsupported, "StockField %s is not simulated (it needs price history)", field)
		}
		return criterion{}, failf(codeInvalid, "fieldName %d is not a StockField", field)
	}
	c.value = value
	c.emit = func(d *qotstockfilter.StockData, r screenRow) {
		d.BaseDataList = append(d.BaseDataList, &qotstockfilter.BaseData{
			FieldName: proto.Int32(int32(field)), Value: proto.Float64(trunc3(value(r)))})
	}
	return c, nil
}

func accumulateCriterion(f *qotstockfilter.AccumulateFilter) (criterion, error) {
	field := qotstockfilter.AccumulateField(f.GetFieldName())
	dir, err := checkSortDir(f.GetSortDir())
	if err != nil {
		return criterion{}, err
	}
	byDays, ok := accumulateFields[field]
	if !ok {
		if _, named := qotstockfilter.AccumulateField_name[int32(field)]; named && field != 0 {
			return criterion{}, failf(codeUnsupported, "AccumulateField %s is not simulated", field)
		}
		return criterion{}, failf(codeInvalid, "fieldName %d is not an AccumulateField", field)
	}
	days := int(f.GetDays())
	if days < 1 || days > maxAccumulateDays {
		return criterion{}, failf(codeInvalid, "days %d: want 1 to %d", days, maxAccumulateDays)
	}
	value := func(r screenRow) float64 { return byDays(r, days) }
	return criterion{value: value, days: days, min: f.FilterMin, max: f.FilterMax, filter: filterApplies(f.IsNoFilter), sortDir: dir,
		emit: func(d *qotstockfilter.StockData, r screenRow) {
			d.AccumulateDataList = append(d.AccumulateDataList, &qotstockfilter.AccumulateData{
				FieldName: proto.Int32(int32(field)), Value: proto.Float64(trunc3(value(r))), Days: proto.Int32(int32(days))})
		}}, nil
}

// criteria normalises the request's filters; financial, pattern and custom
// indicator filters need financial statements and K-line indicators the
// simulator does not model.
func criteria(c2s *qotstockfilter.C2S) ([]criterion, error) {
	if len(c2s.GetFinancialFilterList()) > 0 || len(c2s.GetPatternFilterList()) > 0 || len(c2s.GetCustomIndicatorFilterList()) > 0 {
		return nil, failf(codeUnsupported, "financial, pattern and custom indicator filters are not simulated; use base and accumulate filters")
	}
	var out []criterion
	for _, f := range c2s.GetBaseFilterList() {
		c, err := baseCriterion(f)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	for _, f := range c2s.GetAccumulateFilterList() {
		c, err := accumulateCriterion(f)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	sorted := 0
	for _, c := range out {
		if c.sortDir != qotstockfilter.SortDir_SortDir_No {
			sorted++
		}
	}
	if sorted > 1 {
		return nil, failf(codeInvalid, "%d filters ask to sort; at most one may", sorted)
	}
	return out, nil
}
