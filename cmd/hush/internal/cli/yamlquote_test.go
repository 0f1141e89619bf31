package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hushlog/hush/redact"

	"go.yaml.in/yaml/v3"
)

// TestYAMLErrorNeverQuotesTheDocument: a configuration file that does not
// parse is reported by line and by what is wrong, never with text of the
// file: a value that YAML takes for an anchor, an alias, a tag or a
// directive (a password starting with *, &, !, %) is not echoed, even in
// part.
func TestYAMLErrorNeverQuotesTheDocument(t *testing.T) {
	const v = "Zq8v-4Lw2-9pXc-7yTb"
	for i, doc := range []string{
		"static:\n  - name: db\n    value: *" + v + "\n",
		"static:\n  - name: db\n    value: *" + v + "\n    other: &" + v + "x [\n",
		"static:\n  - name: db\n    value: !" + v + "! x\n",
		"static:\n  - name: db\n    value: !<" + v + " x\n",
		"%" + v + " 1.1\n---\nstatic: []\n",
		"%YAML " + v + "\n---\nstatic: []\n",
		"%TAG !" + v + "! tag:x,2000:\n---\nstatic: []\n",
		"static:\n  - name: db\n    value: \"" + v + "\\q\"\n",
		"static:\n  - name: db\n    value: '" + v + "\n",
		"static:\n  - name: db\n    value: " + v + ": x: y\n",
		"static:\n  - {name: db, value: " + v + "\n",
		"static:\n  - name: db\n    value: |" + v + "\n      x\n",
		"static:\n  - name: db\n\tvalue: " + v + "\n",
		"? " + v + "\n? " + v + "\n: [\n",
	} {
		var n yaml.Node
		err := yaml.Unmarshal([]byte(doc), &n)
		if err == nil {
			continue
		}
		msg := describeYAMLError([]byte(doc), err)
		for k := 0; k+6 <= len(v); k++ {
			if strings.Contains(msg, v[k:k+6]) {
				t.Errorf("document %d: the message quotes the document (bytes %d-%d of the value)", i, k, k+6)
				break
			}
		}
		if !strings.Contains(msg, "line ") {
			t.Errorf("document %d: no line in the message", i)
		}
	}
}

// TestExpansionErrorNeverQuotesTheDocument: a value that holds "${" (a
// password with a dollar and a brace) and fails to expand is reported
// without quoting it, even in part.
func TestExpansionErrorNeverQuotesTheDocument(t *testing.T) {
	const v = "Zq8v-4Lw2-9pXc-7yTb"
	for i, value := range []string{
		"Zq8v${4Lw2-9pXc-7yTb}",
		"${Zq8v-4Lw2:9pXc-7yTb}",
		"${env:Zq8v-4Lw2-9pXc-7yTb}",
		"${file:/Zq8v-4Lw2-9pXc-7yTb}",
		"x${env:A}${Zq8v-4Lw2-9pXc-7yTb",
	} {
		p := filepath.Join(t.TempDir(), "c.yaml")
		if err := os.WriteFile(p, []byte("static:\n  - name: db\n    value: \""+value+"\"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := loadConfig(context.Background(), p, time.Second, nil, func(...redact.Secret) {})
		if err == nil {
			continue
		}
		msg := err.Error()
		for k := 0; k+6 <= len(v); k++ {
			if strings.Contains(msg, v[k:k+6]) {
				t.Errorf("value %d: the message quotes the document (bytes %d-%d of the value)", i, k, k+6)
				break
			}
		}
	}
}

// TestYAMLErrorKeepsPunctuation: what the parser expected (',' or ']') is
// still said.
func TestYAMLErrorKeepsPunctuation(t *testing.T) {
	doc := []byte("env_files: [a.env, b.env\nstatic: []\n")
	var n yaml.Node
	err := yaml.Unmarshal(doc, &n)
	if err == nil {
		t.Fatal("the document parsed")
	}
	if msg := describeYAMLError(doc, err); !strings.Contains(msg, "',' or ']'") {
		t.Errorf("message %q lost what was expected", msg)
	}
}
