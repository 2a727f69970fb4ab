package httperr

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gatewayv1 "github.com/futugw/gateway/api/gen/go/futu/gateway/v1"
	"github.com/futugw/gateway/platform/errinfo"
	"github.com/futugw/gateway/platform/obs"
)

// GatewayErrorHandler returns the grpc-gateway error handler
// (runtime.WithErrorHandler): every failed REST call, from the upstream service or
// from decoding the request, gets the contract's status and body. A server fault's
// own message goes to log (nil discards it), since the client gets a fixed text.
func GatewayErrorHandler(log *slog.Logger) runtime.ErrorHandlerFunc {
	log = obs.OrDiscard(log)
	return func(_ context.Context, _ *runtime.ServeMux, _ runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
		var hse *runtime.HTTPStatusError
		if errors.As(err, &hse) {
			// The gateway chose the HTTP status itself (a malformed path, say); keep it
			// and describe the cause.
			_, body := FromError(hse.Err)
			if _, isStatus := status.FromError(hse.Err); !isStatus && hse.Err != nil {
				body = newBody(codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT, hse.Err.Error())
			}
			WriteBody(w, hse.HTTPStatus, body)
			return
		}
		if st, ok := status.FromError(err); !ok || serverFault(st.Code()) {
			log.Warn("service call failed", "path", r.URL.Path, "code", status.Code(err).String(),
				"reason", errinfo.ReasonCode(err), obs.Err(err))
		}
		Write(w, err)
	}
}

// RoutingErrorHandler is the grpc-gateway routing error handler
// (runtime.WithRoutingErrorHandler): unknown /api/ routes and wrong methods.
func RoutingErrorHandler(_ context.Context, _ *runtime.ServeMux, _ runtime.Marshaler, w http.ResponseWriter, r *http.Request, httpStatus int) {
	Routing(w, r, httpStatus)
}

// Routing writes the body for a routing failure with the given HTTP status.
func Routing(w http.ResponseWriter, r *http.Request, httpStatus int) {
	switch httpStatus {
	case http.StatusNotFound:
		WriteStatus(w, httpStatus, codes.NotFound, gatewayv1.Reason_REASON_NOT_FOUND, "no route for "+r.URL.Path)
	case http.StatusMethodNotAllowed:
		WriteStatus(w, httpStatus, codes.Unimplemented, gatewayv1.Reason_REASON_METHOD_NOT_ALLOWED, "method "+r.Method+" is not allowed on "+r.URL.Path)
	case http.StatusRequestEntityTooLarge:
		WriteStatus(w, httpStatus, codes.InvalidArgument, gatewayv1.Reason_REASON_PAYLOAD_TOO_LARGE, "request body exceeds the size limit")
	default:
		WriteStatus(w, httpStatus, codes.InvalidArgument, gatewayv1.Reason_REASON_INVALID_ARGUMENT, http.StatusText(httpStatus))
	}
}

// NotFound is an http.Handler answering 404 with the JSON body.
func NotFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { Routing(w, r, http.StatusNotFound) })
}
