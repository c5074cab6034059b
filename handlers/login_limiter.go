package handlers

import (
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Login rate limits: failures counted over a sliding window, per (account, address) pair and per
// address. There is no limit on an account alone: then anyone anywhere could lock the office out by
// typing five wrong passwords. The address limit is higher because an office may sit behind one NAT
// address.
const (
	loginWindow         = 15 * time.Minute
	loginPairLimit      = 5
	loginAddressLimit   = 20
	loginLimiterMaxKeys = 100000
)

// loginLimiter counts failed logins in memory; it belongs to one Server. Counting unknown names
// exactly like known ones keeps the limiter from revealing which accounts exist.
type loginLimiter struct {
	mu       sync.Mutex
	failures map[string][]time.Time

	// dummyCost is the bcrypt cost of the stand-in hash checked for unknown names; it matches the
	// cost real passwords are hashed with.
	dummyCost int
	dummyOnce sync.Once
	dummyHash []byte
}

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{failures: map[string][]time.Time{}, dummyCost: bcrypt.DefaultCost}
}

// pairKey names an account tried from an address; names are compared as login compares them.
func pairKey(username, ip string) string {
	return "p:" + ip + "\x00" + strings.ToLower(strings.TrimSpace(username))
}
func addressKey(ip string) string { return "a:" + ip }

// recent drops failures older than the window and returns those left; the caller holds mu.
func (l *loginLimiter) recent(key string, now time.Time) []time.Time {
	list := l.failures[key]
	i := 0
	for i < len(list) && now.Sub(list[i]) >= loginWindow {
		i++
	}
	list = list[i:]
	if len(list) == 0 {
		delete(l.failures, key)
	} else {
		l.failures[key] = list
	}
	return list
}

// blocked says whether a login for the account from the address must be refused, and for how long.
func (l *loginLimiter) blocked(username, ip string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	wait := time.Duration(0)
	for _, k := range []struct {
		key   string
		limit int
	}{{pairKey(username, ip), loginPairLimit}, {addressKey(ip), loginAddressLimit}} {
		list := l.recent(k.key, now)
		if len(list) >= k.limit {
			// Free again when the oldest failure that keeps the count at the limit leaves the window.
			if w := loginWindow - now.Sub(list[len(list)-k.limit]); w > wait {
				wait = w
			}
		}
	}
	return wait > 0, wait
}

// fail counts a failed login against the account from this address, and against the address.
func (l *loginLimiter) fail(username, ip string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.failures) > loginLimiterMaxKeys {
		// A flood of distinct names must not grow memory without bound: drop what has aged out.
		for k := range l.failures {
			l.recent(k, now)
		}
	}
	for _, key := range []string{pairKey(username, ip), addressKey(ip)} {
		l.failures[key] = append(l.recent(key, now), now)
	}
}

// succeed clears the account's failures from this address (not the address's: one good password
// must not unlock guessing at other accounts).
func (l *loginLimiter) succeed(username, ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, pairKey(username, ip))
}

// burnPasswordCheck spends the time a real password check takes, for names that do not exist, so
// that response time does not reveal which accounts exist.
func (l *loginLimiter) burnPasswordCheck(password string) {
	l.dummyOnce.Do(func() {
		l.dummyHash, _ = bcrypt.GenerateFromPassword([]byte("ruralkpi-no-such-user"), l.dummyCost)
	})
	_ = bcrypt.CompareHashAndPassword(l.dummyHash, []byte(password))
}
