package handlers

import (
	"mime"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// TestOriginalDownloadName stores returns under hostile file names and downloads the originals: the
// name offered must be clean, short, end in .xlsx (what was validated), and the response must be
// an attachment the browser may not sniff.
func TestOriginalDownloadName(t *testing.T) {
	e := newAccessEnv(t)
	office := e.loggedIn("office")
	tests := []struct {
		name, stored, want string
	}{
		{"wrong extension", "麒麟区月报.hta", "麒麟区月报.xlsx"},
		{"right-to-left override", "麒麟区\u202Exslx.hta", "麒麟区xslx.xlsx"},
		{"bidi isolates and zero width", "\u2067月报\u2069\u200b.exe", "月报.xlsx"},
		{"path", `..\..\Windows\月报.xlsx`, "月报.xlsx"},
		{"control characters", "a\x00b\r\nc\t.xlsx", "abc.xlsx"},
		{"reserved characters", `a<b>c:"d|e?*.xlsx`, "a_b_c__d_e__.xlsx"},
		{"5000 characters", strings.Repeat("长", 5000) + ".xlsx", strings.Repeat("长", maxDownloadNameRunes) + ".xlsx"},
		{"nothing left", "\u202E.hta", "麒麟区-2024-06-第7版.xlsx"},
		{"plain", "麒麟区-2024年6月月报.xlsx", "麒麟区-2024年6月月报.xlsx"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := e.store.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-06", Source: models.SourceUpload,
				FileName: tt.stored, File: []byte("PK\x03\x04 original " + strconv.Itoa(i))})
			if err != nil {
				t.Fatal(err)
			}
			if tt.name == "nothing left" {
				tt.want = strings.Replace(tt.want, "第7版", "第"+strconv.Itoa(v.Number)+"版", 1)
			}
			res := office.do("GET", "/returns/versions/"+itoaUint(v.ID)+"/file", nil)
			if res.status != fiber.StatusOK {
				t.Fatalf("status %d", res.status)
			}
			if got := res.header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
			if ct := res.header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
				t.Errorf("Content-Type %q", ct)
			}
			cd := res.header.Get("Content-Disposition")
			kind, params, err := mime.ParseMediaType(cd)
			if err != nil || kind != "attachment" {
				t.Fatalf("Content-Disposition %q: %v", cd, err)
			}
			got := params["filename"] // mime decodes filename* into filename
			if got != tt.want {
				t.Errorf("file name %q, want %q", got, tt.want)
			}
			for _, r := range got {
				if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
					t.Errorf("file name keeps %U", r)
				}
			}
		})
	}
}
