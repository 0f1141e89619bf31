package file_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hushlog/hush/provider/file"
	"github.com/hushlog/hush/redact"
)

const bom = "\xef\xbb\xbf"

// TestBOMTrimmed: a UTF-8 byte order mark at the start of a secret file or
// of a .env file (Notepad, PowerShell's Out-File, some secret stores write
// one) is not part of the value the application sees: the secret file's
// value, and the first key and value of the .env file, come without it,
// whatever the file's line breaks, and a BOM inside a value is kept.
func TestBOMTrimmed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	secrets := filepath.Join(dir, "secrets")
	if err := os.MkdirAll(filepath.Join(secrets, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"bom":      bom + pass1,
		"bom-lf":   bom + pass1 + "\n",
		"bom-crlf": bom + pass1 + "\r\n",
		"sub/deep": bom + pass2,
		"inner":    pass1 + bom + pass2, // not at the start: kept
		"only":     bom,                 // nothing but the mark: no secret
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(secrets, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]string{"bom": pass1, "bom-lf": pass1, "bom-crlf": pass1, "sub/deep": pass2, "inner": pass1 + bom + pass2}
	for _, trim := range []bool{false, true} {
		d, err := file.NewDir(secrets, file.Options{TrimNewline: trim})
		if err != nil {
			t.Fatal(err)
		}
		list, err := d.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, s := range list {
			got[s.Name] = s.Value
		}
		for name, w := range want {
			if !trim && strings.HasSuffix(files[name], "\n") {
				w += strings.TrimPrefix(files[name], bom+w)
			}
			if v, ok := got[name]; !ok || v != w {
				t.Errorf("TrimNewline %v: List %s: value of %d bytes (starts with a BOM: %v), want %d bytes", trim, name, len(v), strings.HasPrefix(v, bom), len(w))
			}
			s, err := d.Get(ctx, name)
			if err != nil || s.Value != w {
				t.Errorf("TrimNewline %v: Get %s: %d bytes (starts with a BOM: %v), want %d; %v", trim, name, len(s.Value), strings.HasPrefix(s.Value, bom), len(w), err)
			}
		}
		if v, ok := got["only"]; ok {
			t.Errorf("a file holding only a BOM gave a value of %d bytes", len(v))
		}
	}

	for name, content := range map[string]string{
		"lf":     bom + "DB_PASSWORD=" + pass1 + "\nAPI_TOKEN=" + tok1 + "\n",
		"crlf":   bom + "DB_PASSWORD=" + pass1 + "\r\nAPI_TOKEN=" + tok1 + "\r\n",
		"quoted": bom + `DB_PASSWORD="` + pass1 + `"` + "\nAPI_TOKEN='" + tok1 + "'\n",
		"export": bom + "export DB_PASSWORD=" + pass1 + "\nAPI_TOKEN=" + tok1 + "\n",
	} {
		p := filepath.Join(dir, name+".env")
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		e, err := file.NewEnvFile(p, file.Options{})
		if err != nil {
			t.Fatal(err)
		}
		list, err := e.List(ctx)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		checkEnv(t, name, list)
		s, err := e.Get(ctx, "DB_PASSWORD")
		if err != nil || s.Value != pass1 {
			t.Errorf("%s: Get DB_PASSWORD: %d bytes; %v", name, len(s.Value), err)
		}
	}
}

func checkEnv(t *testing.T, name string, list []redact.Secret) {
	t.Helper()
	got := map[string]string{}
	for _, s := range list {
		got[s.Name] = s.Value
	}
	if len(got) != 2 {
		var names []string
		for _, s := range list {
			names = append(names, strings.ReplaceAll(s.Name, bom, "<BOM>"))
		}
		t.Errorf("%s: names %q, want DB_PASSWORD and API_TOKEN", name, names)
		return
	}
	if got["DB_PASSWORD"] != pass1 || got["API_TOKEN"] != tok1 {
		t.Errorf("%s: values of %d and %d bytes, want %d and %d", name, len(got["DB_PASSWORD"]), len(got["API_TOKEN"]), len(pass1), len(tok1))
	}
}
