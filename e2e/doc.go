// Package e2e drives the real application in headless Chromium: every page must load with no
// console error, no request leaving 127.0.0.1, and charts that actually drew. The tests live in
// the _test.go files; `go test ./e2e/` runs them and skips loudly when no Chromium is installed.
// multiserver_test.go runs two servers on one PostgreSQL (RURALKPI_TEST_PG) over plain HTTP.
package e2e
