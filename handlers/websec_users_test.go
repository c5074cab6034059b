package handlers

import (
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// TestAdminRefusesUnsafeUsernames: the office's form refuses names outside the safe set and
// look-alikes of existing users, and stores a normalised name.
func TestAdminRefusesUnsafeUsernames(t *testing.T) {
	e := newAccessEnv(t)
	office := e.loggedIn("office")
	for _, tt := range []struct{ name, refusal string }{
		{"../../x", "只能包含"}, {"a/b", "只能包含"}, {`<img src=x onerror=alert(1)>`, "只能包含"},
		{"office\u200b", "过于相似"}, {"0ffice", "过于相似"}, {"Office", "已存在"},
	} {
		res := office.do("POST", "/admin/users", url.Values{"username": {tt.name}, "password": {accessPassword}, "role": {"leader"}})
		if res.status != fiber.StatusUnprocessableEntity || !strings.Contains(res.body, tt.refusal) {
			t.Errorf("%q: %d, want 422 saying %q", tt.name, res.status, tt.refusal)
		}
	}
	if res := office.do("POST", "/admin/users", url.Values{"username": {"Ｌｅａｄｅｒ２"}, "password": {accessPassword}, "role": {"leader"}}); res.status != fiber.StatusSeeOther {
		t.Fatalf("a full-width name: %d %.300s", res.status, res.body)
	}
	if _, err := e.store.UserByName("leader2"); err != nil {
		t.Errorf("the name was not stored normalised: %v", err)
	}
}
