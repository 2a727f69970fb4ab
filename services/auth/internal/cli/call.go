package cli

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
)

// call sends the command and renders its answer (nothing to render when it failed:
// the getters of a nil answer are empty).
func (c *Command) call(ctx context.Context, ac gatewayv1.AuthServiceClient) (output, error) {
	switch c.Name {
	case "gen-key":
		r, err := ac.IssueKey(ctx, c.Issue)
		return output{msg: r, text: fmt.Sprintf("key: %s\n(shown once: store it now)\n%s", r.GetKey(), keyText(r.GetInfo()))}, err
	case "list-keys":
		r, err := ac.ListKeys(ctx, &gatewayv1.ListKeysRequest{})
		var b strings.Builder
		fmt.Fprintf(&b, "%-24s %-40s %-25s %s\n", "ID", "SCOPES", "EXPIRES", "PARENT/NOTE")
		for _, k := range r.GetKeys() {
			extra := k.GetNote()
			if k.GetParentId() != "" {
				extra = "session of " + k.GetParentId()
			}
			fmt.Fprintf(&b, "%-24s %-40s %-25s %s\n", k.GetId(), strings.Join(k.GetScopes(), ","), cmp.Or(k.GetExpiresAt(), "never"), extra)
		}
		return output{msg: r, text: b.String()}, err
	case "show-key":
		r, err := ac.GetKey(ctx, &gatewayv1.GetKeyRequest{Id: c.ID})
		return output{msg: r, text: keyText(r)}, err
	case "revoke-key":
		r, err := ac.RevokeKey(ctx, &gatewayv1.RevokeKeyRequest{Id: c.ID})
		return output{msg: r, text: "revoked " + c.ID + "\n"}, err
	case "whoami":
		r, err := ac.WhoAmI(ctx, &gatewayv1.WhoAmIRequest{})
		return output{msg: r, text: keyText(r)}, err
	case "session":
		r, err := ac.CreateSession(ctx, c.Session)
		url := PanelURL(c.PanelURL, r.GetKey())
		return output{msg: r, extra: map[string]string{"panel_url": url}, text: fmt.Sprintf("session key: %s\nopen: %s\n%s", r.GetKey(), url, keyText(r.GetInfo()))}, err
	}
	return output{}, fmt.Errorf("unknown command %q", c.Name)
}

// PanelURL puts the key in the fragment: browsers never send it to the server, so it
// stays out of access logs and Referer headers.
func PanelURL(base, key string) string {
	return strings.TrimRight(base, "/") + "/#session=" + key
}

func keyText(k *gatewayv1.KeyInfo) string {
	var b strings.Builder
	line := func(name, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%-20s %s\n", name+":", v)
		}
	}
	line("id", k.GetId())
	line("scopes", strings.Join(k.GetScopes(), ","))
	line("created_at", k.GetCreatedAt())
	line("expires_at", cmp.Or(k.GetExpiresAt(), "never"))
	line("parent_id", k.GetParentId())
	line("note", k.GetNote())
	if k.GetLongLivedOverride() {
		line("long_lived_override", "true")
	}
	if l := k.GetLimits(); l != nil {
		line("allowed_markets", strings.Join(l.GetAllowedMarkets(), ","))
		line("allowed_symbols", strings.Join(l.GetAllowedSymbols(), ","))
		line("allowed_trd_sides", strings.Join(l.GetAllowedTrdSides(), ","))
		line("allowed_acc_ids", strings.Join(l.GetAllowedAccIds(), ","))
		if l.MaxOrderValue != nil {
			line("max_order_value", fmt.Sprint(l.GetMaxOrderValue()))
		}
		if l.MaxDailyValue != nil {
			line("max_daily_value", fmt.Sprint(l.GetMaxDailyValue()))
		}
		if l.MaxOrdersPerMinute != nil {
			line("max_orders_per_minute", fmt.Sprint(l.GetMaxOrdersPerMinute()))
		}
		line("hours_window", l.GetHoursWindow())
	}
	return b.String()
}
