// Package static serves the files the browser needs — our CSS and JavaScript, the third-party
// scripts in vendor/ and the map outlines in maps/ — from inside the binary: the app runs on an
// intranet with no CDN and no internet.
//
// vendor/ and maps/ are filled at build time by `make assets`, each file with a gzip twin made
// there; this package sends the twin to clients that accept gzip and never compresses at run time.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// files holds the asset tree. vendor/ and maps/ always hold a committed README.md so the pattern
// matches before `make assets` has run.
//
//go:embed css js img vendor maps
var files embed.FS

// Files returns the embedded asset tree, for New.
func Files() fs.FS { return files }

// contentType lists what is served, by extension; any other file (README.md, the .gz twins
// themselves) is not reachable by URL.
func contentType(name string) (string, bool) {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8", true
	case ".js":
		return "text/javascript; charset=utf-8", true
	case ".json":
		return "application/json", true
	case ".svg":
		return "image/svg+xml", true
	case ".png":
		return "image/png", true
	case ".ico":
		return "image/x-icon", true
	case ".woff2":
		return "font/woff2", true
	case ".txt":
		return "text/plain; charset=utf-8", true
	}
	return "", false
}

// Assets is the index of servable files, read once when the server starts.
type Assets struct {
	prefix string
	byName map[string]*asset
}

type asset struct {
	contentType string
	// version is a short hash of the content: the ETag and the ?v= of versioned URLs.
	version  string
	identity []byte
	gzip     []byte // nil when the build made no .gz twin
}

// New indexes every servable file of fsys, to be served under prefix (e.g. "/static"). A .gz twin
// that does not decompress to its file is refused: a stale twin would serve old code to most
// browsers and new code to the rest.
func New(fsys fs.FS, prefix string) (*Assets, error) {
	a := &Assets{prefix: strings.TrimSuffix(prefix, "/"), byName: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		ct, ok := contentType(name)
		if d.IsDir() || !ok {
			return nil
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		as := &asset{contentType: ct, version: hex.EncodeToString(sum[:8]), identity: body}
		gz, err := fs.ReadFile(fsys, name+".gz")
		switch {
		case err == nil:
			if err := sameContent(gz, body); err != nil {
				return fmt.Errorf("%s.gz: %w", name, err)
			}
			as.gzip = gz
		case !isNotExist(err):
			return err
		}
		a.byName[name] = as
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static: index assets: %w", err)
	}
	return a, nil
}

func isNotExist(err error) bool { return err != nil && errors.Is(err, fs.ErrNotExist) }

func sameContent(gz, want []byte) error {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return fmt.Errorf("not gzip: %w", err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		return fmt.Errorf("corrupt gzip: %w", err)
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("decompresses to other content than its file: run make assets")
	}
	return nil
}

// Has reports whether name (relative to the asset root, e.g. "vendor/echarts.min.js") is served.
func (a *Assets) Has(name string) bool { _, ok := a.byName[name]; return ok }

// URL returns the versioned URL of an asset, e.g. "/static/css/app.css?v=1a2b…"; responses to a
// versioned URL may be cached for a year because a new build changes the URL. It is meant as the
// template function "asset", so that a misspelt name fails the page's test instead of a browser.
func (a *Assets) URL(name string) (string, error) {
	as, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("static: no asset %q", name)
	}
	return a.prefix + "/" + name + "?v=" + as.version, nil
}

// FaviconName is the asset browsers get for /favicon.ico, which they ask for whatever the page
// links.
const FaviconName = "img/favicon.svg"

// Register serves the assets on GET and HEAD under the prefix given to New, and /favicon.ico.
func (a *Assets) Register(r fiber.Router) {
	r.Get(a.prefix+"/*", a.Handler())
	if fav, ok := a.byName[FaviconName]; ok {
		r.Get("/favicon.ico", func(c *fiber.Ctx) error { return serve(c, fav) })
	}
}

// Handler serves the asset named by the route's wildcard parameter. Unknown names get
// fiber.ErrNotFound so the app's error handler answers them like any other 404.
func (a *Assets) Handler() fiber.Handler {
	return func(c *fiber.Ctx) error {
		as, ok := a.byName[c.Params("*")]
		if !ok {
			return fiber.ErrNotFound
		}
		return serve(c, as)
	}
}

// serve writes one asset: the gzip twin when the client takes it, 304 when its copy is current.
func serve(c *fiber.Ctx, as *asset) error {
	body, etag := as.identity, `"`+as.version+`"`
	if as.gzip != nil {
		c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
		if acceptsGzip(c.Get(fiber.HeaderAcceptEncoding)) {
			// A representation with its own bytes needs its own ETag.
			body, etag = as.gzip, `"`+as.version+`-gz"`
			c.Set(fiber.HeaderContentEncoding, "gzip")
		}
	}
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	if c.Query("v") == as.version {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		// Unversioned or outdated URL: the browser keeps its copy but asks each time (a 304 is cheap).
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), etag) {
		c.Response().Header.Del(fiber.HeaderContentEncoding)
		c.Status(fiber.StatusNotModified)
		return nil
	}
	c.Set(fiber.HeaderContentType, as.contentType)
	return c.Send(body)
}

// acceptsGzip reads an Accept-Encoding header (RFC 9110 §12.5.3): gzip (or x-gzip, or *) with a
// quality above zero.
func acceptsGzip(header string) bool {
	star := false
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		q := qualityAboveZero(params)
		switch coding {
		case "gzip", "x-gzip":
			return q
		case "*":
			star = q
		}
	}
	return star
}

func qualityAboveZero(params string) bool {
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || strings.ToLower(strings.TrimSpace(k)) != "q" {
			continue
		}
		v = strings.TrimSpace(v)
		// q is 0 to 1 with at most three decimals; any non-zero digit makes it positive.
		return strings.ContainsAny(v, "123456789")
	}
	return true
}

// etagMatches applies If-None-Match's weak comparison: "*" or any listed tag equal to etag,
// ignoring a W/ prefix.
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
