package deps
import (
 _ "google.golang.org/protobuf/proto"
 _ "go.uber.org/goleak"
 _ "github.com/futugw/gateway/api/gen/go/futu/opend/initconnect"
 _ "github.com/prometheus/client_golang/prometheus"
)
