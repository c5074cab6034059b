// Package reminders sends the office's reminders: it works out what is due (models.DueReminders),
// claims each message in the database so that it is sent exactly once, sends it by e-mail or to a
// group robot's webhook, and retries failures with back-off.
package reminders

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
)

// SecretKeyEnv names the environment variable holding the key that encrypts stored secrets (the SMTP
// password, 钉钉 signing secrets); --secret-key-file reads it from a file instead.
const SecretKeyEnv = "RURALKPI_SECRET_KEY"

// ErrNoKey is returned when a secret must be encrypted or decrypted and no key is configured.
var ErrNoKey = errors.New("reminders: no secret key configured (set " + SecretKeyEnv + " or --secret-key-file)")

// Secrets encrypts and decrypts stored secrets with AES-256-GCM. The key is the SHA-256 of the
// configured key material, so any long random string works.
type Secrets struct {
	key []byte
	// Getenv reads "env:NAME" references; os.Getenv when nil.
	Getenv func(string) string
}

// LoadSecrets builds Secrets from the key file when given, else from the environment variable; with
// neither, secrets can only be "env:" references.
func LoadSecrets(keyFile string, getenv func(string) string) (*Secrets, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	material := getenv(SecretKeyEnv)
	if keyFile != "" {
		b, err := os.ReadFile(keyFile)
		if err != nil {
			return nil, fmt.Errorf("reminders: read secret key file: %w", err)
		}
		material = strings.TrimSpace(string(b))
	}
	return NewSecrets(material, getenv), nil
}

// NewSecrets builds Secrets from key material ("" for none).
func NewSecrets(material string, getenv func(string) string) *Secrets {
	s := &Secrets{Getenv: getenv}
	if material != "" {
		k := sha256.Sum256([]byte(material))
		s.key = k[:]
	}
	return s
}

// HasKey reports whether secrets can be stored encrypted.
func (s *Secrets) HasKey() bool { return s != nil && len(s.key) > 0 }

const encPrefix = "enc:v1:"

// Seal turns a secret typed on the page into what is stored: "env:NAME" stays as is, anything else
// is encrypted (an error without a key: a password is never stored in clear).
func (s *Secrets) Seal(plain string) (string, error) {
	if plain == "" || strings.HasPrefix(plain, "env:") {
		return plain, nil
	}
	if !s.HasKey() {
		return "", ErrNoKey
	}
	gcm, err := s.gcm()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("reminders: nonce: %w", err)
	}
	return encPrefix + base64.StdEncoding.EncodeToString(gcm.Seal(nonce, nonce, []byte(plain), nil)), nil
}

// Open returns the secret a stored value stands for: the environment variable's value for "env:NAME",
// the decrypted value for "enc:…".
func (s *Secrets) Open(stored string) (string, error) {
	switch {
	case stored == "":
		return "", nil
	case strings.HasPrefix(stored, "env:"):
		getenv := os.Getenv
		if s != nil && s.Getenv != nil {
			getenv = s.Getenv
		}
		name := strings.TrimPrefix(stored, "env:")
		v := getenv(name)
		if v == "" {
			return "", fmt.Errorf("reminders: environment variable %s is empty", name)
		}
		return v, nil
	case strings.HasPrefix(stored, encPrefix):
		if !s.HasKey() {
			return "", ErrNoKey
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(stored, encPrefix))
		if err != nil {
			return "", fmt.Errorf("reminders: stored secret: %w", err)
		}
		gcm, err := s.gcm()
		if err != nil {
			return "", err
		}
		if len(raw) < gcm.NonceSize() {
			return "", errors.New("reminders: stored secret is truncated")
		}
		plain, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], nil)
		if err != nil {
			return "", errors.New("reminders: stored secret does not decrypt with this key (was the key changed?)")
		}
		return string(plain), nil
	}
	return "", errors.New("reminders: stored secret is neither env: nor encrypted")
}

func (s *Secrets) gcm() (cipher.AEAD, error) {
	block, err := aes.NewCipher(s.key)
	if err != nil {
		return nil, fmt.Errorf("reminders: cipher: %w", err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("reminders: cipher: %w", err)
	}
	return gcm, nil
}
