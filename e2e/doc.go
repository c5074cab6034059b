// Package e2e drives the real application in headless Chromium: every page must load with no
// console error, no request leaving 127.0.0.1, and charts that actually drew. The tests live in
// the _test.go files; `go test ./e2e/` runs them and skips loudly when no Chromium is installed.
// multiserver_test.go runs two servers on one PostgreSQL (RURALKPI_TEST_PG) over plain HTTP;
// faults_test.go kills one inside a large ledger's import there, and fills a SQLite server's disk (a
// tmpfs it mounts: root only, and under CI or E2E_REQUIRE=1 a failure when it cannot).
package e2e
