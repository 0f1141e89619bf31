package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The streamed SARIF document is exactly what json.Marshal gives for the
// whole document (sarifLog): the reporter writes its head, each result and
// its tail by hand, and this keeps those pieces in step with the types.
func TestSARIFStreamIsTheMarshalledDocument(t *testing.T) {
	for _, tc := range []struct {
		name     string
		findings []Finding
		problems []problem
	}{
		{"findings and problems", []Finding{
			{Path: "logs/app.log", Line: 3, Column: 7, EndLine: 3, EndColumn: 27, Offset: 80, Length: 20, Secret: "prod/db/password", Encoding: "raw"},
			{Path: "/var/log/üñí.log", Line: 9, Column: 1, EndLine: 10, EndColumn: 4, Offset: 900, Length: 44, Secret: "api/token", Encoding: "base64"},
		}, []problem{
			{path: "logs/missing.log", msg: "open logs/missing.log: no such file or directory"},
			{path: "logs/blob.bin", msg: "binary file skipped", notice: true},
		}},
		{"one finding", []Finding{{Path: "<stdin>", Line: 1, Column: 1, EndLine: 1, EndColumn: 9, Length: 8, Secret: "s", Encoding: "hex"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := bufio.NewWriter(&buf)
			r, err := newSARIFReporter(w, toolInfo{name: "hush", version: "v0.0.0-test"}, nil)
			require.NoError(t, err)
			for _, f := range tc.findings {
				require.NoError(t, r.finding(f))
			}
			require.NoError(t, r.end(tc.problems))

			var doc sarifLog
			dec := json.NewDecoder(bytes.NewReader(buf.Bytes()))
			dec.DisallowUnknownFields()
			require.NoError(t, dec.Decode(&doc))
			require.Len(t, doc.Runs, 1)
			assert.Len(t, doc.Runs[0].Results, len(tc.findings))
			want, err := json.Marshal(doc)
			require.NoError(t, err)
			assert.Equal(t, string(want)+"\n", buf.String())
		})
	}
}
