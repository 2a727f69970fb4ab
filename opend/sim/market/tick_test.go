package market

import (
	"math"
	"testing"
)

func TestTickSize(t *testing.T) {
	tests := []struct {
		market int32
		price  float64
		want   float64
	}{
		{MarketHK, 0.1, 0.001},
		{MarketHK, 0.25, 0.001},
		{MarketHK, 0.3, 0.005},
		{MarketHK, 0.5, 0.005},
		{MarketHK, 5, 0.01},
		{MarketHK, 10, 0.01},
		{MarketHK, 10.02, 0.02},
		{MarketHK, 20, 0.02},
		{MarketHK, 55, 0.05},
		{MarketHK, 150, 0.1},
		{MarketHK, 480, 0.2},
		{MarketHK, 500, 0.2},
		{MarketHK, 750, 0.5},
		{MarketHK, 1500, 1},
		{MarketHK, 3000, 2},
		{MarketHK, 6000, 5},
		{MarketUS, 0.5, 0.01},
		{MarketUS, 230, 0.01},
		{MarketUS, 6000, 0.01},
	}
	for _, tt := range tests {
		if got := TickSize(tt.market, tt.price); got != tt.want {
			t.Errorf("TickSize(%d, %v) = %v, want %v", tt.market, tt.price, got, tt.want)
		}
	}
}

func TestValidPrice(t *testing.T) {
	tests := []struct {
		market int32
		price  float64
		want   bool
	}{
		{MarketHK, 480.2, true},
		{MarketHK, 480.3, false},
		{MarketHK, 480.4, true},
		{MarketHK, 10, true},
		{MarketHK, 10.01, false},
		{MarketHK, 10.02, true},
		{MarketHK, 9.99, true},
		{MarketHK, 20.5, true},
		{MarketHK, 20.52, false},
		{MarketHK, 0.123, true},
		{MarketHK, 0.0, false},
		{MarketHK, -1, false},
		{MarketHK, math.NaN(), false},
		{MarketHK, math.Inf(1), false},
		{MarketUS, 230.01, true},
		{MarketUS, 230.015, false},
		{MarketUS, 0.01, true},
	}
	for _, tt := range tests {
		if got := ValidPrice(tt.market, tt.price); got != tt.want {
			t.Errorf("ValidPrice(%d, %v) = %v, want %v", tt.market, tt.price, got, tt.want)
		}
	}
}

func TestSnapStaysOnGrid(t *testing.T) {
	for _, market := range []int32{MarketHK, MarketUS} {
		for p := 0.0; p < 6000; p = p*1.01 + 0.0007 {
			s := Snap(market, p)
			if !ValidPrice(market, s) {
				t.Fatalf("Snap(%d, %v) = %v is off the grid", market, p, s)
			}
		}
	}
}
