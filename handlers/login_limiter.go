package handlers

import (
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Login rate limits: failures counted over a sliding window, per (account, address) pair and per
// address. There is no limit on an account alone: then anyone anywhere could lock the office out by
// typing five wrong passwords. The address limit is higher because an office may sit behind one NAT
// address.
const (
	loginWindow       = 15 * time.Minute
	loginPairLimit    = 5
	loginAddressLimit = 20
)

// loginLimiter spends a password check's time on names that do not exist. The failures it limits
// are the audit trail's failed logins (Store.RecentLoginFailures): every server on the database
// writes and reads them, so the limits hold across servers and restarts, and nothing is kept in
// memory. Counting unknown names exactly like known ones keeps the limiter from revealing which
// accounts exist.
type loginLimiter struct {
	// dummyCost is the bcrypt cost of the stand-in hash checked for unknown names; it matches the
	// cost real passwords are hashed with.
	dummyCost int
	dummyOnce sync.Once
	dummyHash []byte
}

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{dummyCost: bcrypt.DefaultCost}
}

// loginBlocked says whether a login for the account from the address must be refused, and for how
// long: the pair's or the address's failures in the window reached their limit.
func (s *Server) loginBlocked(username, ip string, now time.Time) (bool, time.Duration, error) {
	pair, address, err := s.Store.RecentLoginFailures(username, ip, now.Add(-loginWindow), loginAddressLimit)
	if err != nil {
		return false, 0, err
	}
	wait := max(loginWait(pair, loginPairLimit, now), loginWait(address, loginAddressLimit, now))
	return wait > 0, wait, nil
}

// loginWait is how long logins stay refused given the failures in the window (newest first): until
// the oldest failure that keeps the count at the limit leaves the window; 0 below the limit.
func loginWait(newestFirst []time.Time, limit int, now time.Time) time.Duration {
	if len(newestFirst) < limit {
		return 0
	}
	return loginWindow - now.Sub(newestFirst[limit-1])
}

// burnPasswordCheck spends the time a real password check takes, for names that do not exist, so
// that response time does not reveal which accounts exist.
func (l *loginLimiter) burnPasswordCheck(password string) {
	l.dummyOnce.Do(func() {
		l.dummyHash, _ = bcrypt.GenerateFromPassword([]byte("ruralkpi-no-such-user"), l.dummyCost)
	})
	_ = bcrypt.CompareHashAndPassword(l.dummyHash, []byte(password))
}
