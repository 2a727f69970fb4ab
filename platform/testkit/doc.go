// Package testkit holds helpers for tests only; nothing outside _test.go files and
// other test helpers should import it or the packages below it (logtest, nettest,
// proctest, redistest). Its own helpers say when a test may stop waiting: Eventually
// polls a condition the code only exposes as state, Recv takes one value from a
// channel with a deadline.
package testkit
