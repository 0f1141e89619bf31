package benchcorpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"b.log": "two\nthree", "a.log": "one\n", "c.txt": "not a log\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(Env, dir)
	c, err := Load(func() []byte { t.Fatal("generate called with the corpus set"); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if string(c.Text) != "one\ntwo\nthree\n" {
		t.Errorf("text %q: want the .log files in name order, each ending in a newline", c.Text)
	}
	if len(c.Lines) != 3 || string(c.Lines[2]) != "three\n" {
		t.Errorf("lines %q", c.Lines)
	}
	if !strings.HasPrefix(c.Source, "2 log files") {
		t.Errorf("source %q", c.Source)
	}

	t.Setenv(Env, t.TempDir())
	if _, err := Load(nil); err == nil {
		t.Error("a corpus directory without *.log text: no error")
	}
	t.Setenv(Env, "")
	c, err = Load(func() []byte { return []byte("gen\nerated") })
	if err != nil || string(c.Text) != "gen\nerated" || len(c.Lines) != 2 || !strings.HasPrefix(c.Source, "generated") {
		t.Errorf("generated: %q %q %q %v", c.Text, c.Lines, c.Source, err)
	}
}
