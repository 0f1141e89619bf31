package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hushlog/hush/internal/leaktest"
	"github.com/hushlog/hush/redact"
)

// Test secrets: random-looking, long enough to be indexed, one with
// characters every escaping changes.
var testSecrets = []redact.Secret{
	{Name: "prod/db/password", Value: "Zq8v-4Lw2-9pXc-7yTb"},
	{Name: "api/token", Value: "tok_9f8e7d6c5b4a3210fedc"},
	{Name: "smtp/password", Value: `p@ss/w0rd<&>"q!9Zx'k`},
}

func newTestRedactor(t testing.TB, secrets ...redact.Secret) (*redact.Redactor, int) {
	t.Helper()
	if len(secrets) == 0 {
		secrets = testSecrets
	}
	r, err := redact.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Set(secrets); err != nil {
		t.Fatal(err)
	}
	longest := 0
	for _, s := range secrets {
		longest = max(longest, len(s.Value))
	}
	return r, lookahead(longest)
}

// assertNoValue fails if b holds any test secret in any form the project's
// leak oracle knows, or in any standard decode of b. It names the secret and
// the form, never the value.
func assertNoValue(t testing.TB, what string, b []byte, secrets ...redact.Secret) {
	t.Helper()
	if len(secrets) == 0 {
		secrets = testSecrets
	}
	leaktest.Check(t, secrets, b, what)
}

// writeSecretsConfig writes a hush.yaml with the secrets as static values
// and returns its path.
func writeSecretsConfig(t testing.TB, dir string, secrets ...redact.Secret) string {
	t.Helper()
	if len(secrets) == 0 {
		secrets = testSecrets
	}
	var b strings.Builder
	b.WriteString("static:\n")
	for _, s := range secrets {
		fmt.Fprintf(&b, "  - name: %q\n    value: %q\n", s.Name, s.Value)
	}
	p := filepath.Join(dir, "hush.yaml")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// runMain runs the command line in-process.
func runMain(t testing.TB, stdin io.Reader, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, IO{In: stdin, Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

// pipelineScrub scrubs data through the pipeline in-process with a given
// chunk size and worker count, from a file or, with stdin, a reader.
func pipelineScrub(t testing.TB, r *redact.Redactor, look int, data []byte, chunkSize, jobs int) []byte {
	t.Helper()
	return pipelineScrubLongest(t, r, look, 0, data, chunkSize, jobs)
}

// pipelineScrubLongest is pipelineScrub for secrets whose longest value is
// longest bytes.
func pipelineScrubLongest(t testing.TB, r *redact.Redactor, look, longest int, data []byte, chunkSize, jobs int) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "in.log")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	con := &console{w: io.Discard}
	e := &engine{r: r, look: look, longest: longest, opts: runOptions{jobs: jobs, chunkSize: chunkSize, binary: true}, con: con}
	s := &scrubber{e: e, stdout: &out, auto: true}
	inputs, err := s.plan([]string{path}, mustExpand(t, []string{path}, con))
	if err != nil {
		t.Fatal(err)
	}
	s.run(context.Background(), inputs)
	if n := con.failed(); n > 0 {
		t.Fatalf("%d problems: %v", n, con.all())
	}
	return out.Bytes()
}

// pipelineScan scans data through the pipeline in-process.
func pipelineScan(t testing.TB, r *redact.Redactor, look int, data []byte, chunkSize, jobs int) []Finding {
	t.Helper()
	path := filepath.Join(t.TempDir(), "in.log")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	con := &console{w: io.Discard}
	e := &engine{r: r, look: look, opts: runOptions{jobs: jobs, chunkSize: chunkSize, binary: true}, con: con}
	rep := &collectReporter{}
	s := &scanner{e: e, rep: rep}
	s.run(context.Background(), mustExpand(t, []string{path}, con))
	if n := con.failed(); n > 0 {
		t.Fatalf("%d problems: %v", n, con.all())
	}
	for i := range rep.findings {
		rep.findings[i].Path = ""
	}
	return rep.findings
}

type collectReporter struct{ findings []Finding }

func (c *collectReporter) finding(f Finding) error { c.findings = append(c.findings, f); return nil }
func (c *collectReporter) end([]problem) error     { return nil }

// referenceFindings computes scan's findings on the whole text at once,
// the slow obvious way.
func referenceFindings(r *redact.Redactor, data []byte) []Finding {
	var out []Finding
	at := func(off int) (line, col int64) {
		line = int64(bytes.Count(data[:off], newline)) + 1
		ls := bytes.LastIndexByte(data[:off], '\n') + 1
		return line, int64(len([]rune(string(data[ls:off])))) + 1
	}
	for _, m := range r.Find(data) {
		l, c := at(m.Start)
		el, ec := at(m.End)
		out = append(out, Finding{Line: l, Column: c, EndLine: el, EndColumn: ec, Offset: int64(m.Start),
			Length: m.End - m.Start, Secret: m.Name, Encoding: m.Encoding.String()})
	}
	return out
}

// mustExpand expands the arguments into inputs.
func mustExpand(t testing.TB, args []string, con *console) []*input {
	t.Helper()
	inputs, err := expand(args, con)
	if err != nil {
		t.Fatal(err)
	}
	return inputs
}
