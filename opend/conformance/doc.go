// Package conformance holds tests proving that our OpenD protobuf subset
// (api/proto/futu/opend) is wire-compatible with Futu's official definitions.
// The official side is the Node tool in tools/conformance, which loads the .proto
// files of the npm package futu-api with protobufjs; the tests drive it through
// files in a temporary directory. When node or tools/conformance/node_modules is
// missing the tests skip, unless FUTUGW_REQUIRE_CONFORMANCE=1 (as in CI).
package conformance
