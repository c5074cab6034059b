package reminders

import (
	"strings"
	"testing"
)

// TestSecretsRoundTrip: a sealed secret opens with its key only, and nothing is sealed without one.
func TestSecretsRoundTrip(t *testing.T) {
	s := NewSecrets("k3y-material", nil)
	sealed, err := s.Seal("p@ss")
	if err != nil || !strings.HasPrefix(sealed, "enc:v1:") || strings.Contains(sealed, "p@ss") {
		t.Fatalf("seal %q %v", sealed, err)
	}
	if got, err := s.Open(sealed); err != nil || got != "p@ss" {
		t.Fatalf("open %q %v", got, err)
	}
	if _, err := NewSecrets("other", nil).Open(sealed); err == nil {
		t.Error("another key decrypted the secret")
	}
	if _, err := NewSecrets("", nil).Seal("p@ss"); err == nil {
		t.Error("sealed without a key")
	}
}
