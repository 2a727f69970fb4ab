package conformance

// Blank imports register every generated OpenD package in protoregistry.GlobalFiles;
// TestEveryProtoFileRegistered catches a package missing from this list.

import (
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/common"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/getglobalstate"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/getuserinfo"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/initconnect"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/keepalive"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/notify"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/qotcommon"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/qotgetbasicqot"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsecuritysnapshot"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/qotgetstaticinfo"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/qotgetsubinfo"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/qotregqotpush"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/qotsub"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/qotupdatebasicqot"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/qotupdateorderbook"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/qotupdateticker"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/trdcommon"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/trdgetacclist"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/trdgetfunds"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderfilllist"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/trdgetorderlist"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/trdgetpositionlist"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/trdmodifyorder"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/trdplaceorder"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/trdsubaccpush"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/trdunlocktrade"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/trdupdateorder"
	_ "github.com/futugw/gateway/api/gen/go/futu/opend/trdupdateorderfill"
)
