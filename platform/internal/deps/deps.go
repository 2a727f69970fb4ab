package deps
import (
 _ "google.golang.org/protobuf/proto"
 _ "go.uber.org/goleak"
 _ "google.golang.org/grpc/health"
 _ "github.com/prometheus/client_golang/prometheus"
)
