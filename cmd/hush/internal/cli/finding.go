package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/hushlog/hush/detect"
)

// Finding is one secret found by scan: where it is and which secret (a
// known secret by its name, a detected token by its rule), in which
// encoding. It never holds the value.
type Finding struct {
	// Path is the input as named on the command line or found by walking
	// a directory; "<stdin>" for standard input.
	Path string `json:"path"`
	// Line and Column locate the first byte of the match, from 1; columns
	// count Unicode code points (an invalid byte counts as one).
	Line   int64 `json:"line"`
	Column int64 `json:"column"`
	// EndLine and EndColumn locate the first character after the match.
	EndLine   int64 `json:"end_line"`
	EndColumn int64 `json:"end_column"`
	// Offset and Length are the match's bytes in the (decompressed) input.
	Offset int64 `json:"offset"`
	Length int   `json:"length"`
	// Secret is the secret's name; for a detected token, "detected:" and
	// the rule id.
	Secret string `json:"secret"`
	// Encoding is the form it was found in: raw, json, url, base64, hex,
	// html or shell.
	Encoding string `json:"encoding"`
	// Rule is, for a token found by a detector, the rule's id
	// ("github-token"); empty for a known secret.
	Rule string `json:"rule,omitempty"`
	// Confidence is how a detected token was checked: checksum,
	// structure or prefix (see package detect); empty for a known secret.
	Confidence string `json:"confidence,omitempty"`
	// In is empty for a secret in the content; for one in what is said
	// about it, where: "name" (the archive member's name, or the file's:
	// the last element of the argument it was found under and the path
	// below, as -o DIR writes it),
	// "link" (a link member's target) or "comment" (a member's or the
	// archive's comment), "header" (a tar member's owner names, extended
	// attributes and records) or "gzip header" (the original file name or
	// comment a gzip file keeps, of any of its members), or a container's
	// bytes that are no entry's content (see containerMeta): "zip header" (a
	// local header, directory record, extra field, data descriptor or end
	// record), "zip data outside its records", "tar header" (a header's
	// bytes the reader does not use, a PAX record given twice), "tar
	// padding" or "zstd skippable frame". Line and EndLine are then 0;
	// Column, EndColumn and Offset locate the match in that text.
	In string `json:"in,omitempty"`
}

// inWhat describes Finding.In for people.
func inWhat(in string) string {
	switch in {
	case "name":
		return "its name"
	case "link":
		return "its link target"
	case "comment":
		return "its comment"
	case "header":
		return "its archive header (an owner's name, an extended attribute or record)"
	case "gzip header":
		return "its gzip header (the original file name, comment or extra field, of any of its members)"
	case "zip header":
		return "its zip records (a header, extra field, data descriptor or end record)"
	case "zip data outside its records":
		return "zip data outside its records and entries"
	case "tar header":
		return "its tar header (bytes the header fields do not use)"
	case "tar padding":
		return "the padding of its tar archive"
	case "zstd skippable frame":
		return "a zstd skippable frame (metadata the decompressor skips)"
	}
	return in
}

// detectedPrefix names a detected token in Finding.Secret and the counts.
const detectedPrefix = "detected:"

// findingName is the name a match is reported and counted under: the
// secret's name, or "detected:" and the rule of a detected token.
func findingName(name, rule string) string {
	if rule != "" {
		return detectedPrefix + rule
	}
	return name
}

// reporter writes scan findings in one output format.
type reporter interface {
	finding(f Finding) error
	// end completes the report; problems are the inputs that could not be
	// scanned, which a format may record.
	end(problems []problem) error
}

// problem is an input that could not be fully processed, or a notice about
// one.
type problem struct {
	path string
	msg  string
	// notice is set for a message that does not fail the run (a skipped
	// binary file).
	notice bool
}

// newReporter returns the reporter of format; detectors are the rules of the
// detectors in use, which a SARIF report lists.
func newReporter(format string, w io.Writer, tool toolInfo, detectors []*detect.Rule) (reporter, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case "text", "":
		return &textReporter{w: bw}, nil
	case "json":
		return &jsonReporter{w: bw, enc: json.NewEncoder(bw)}, nil
	case "sarif":
		return newSARIFReporter(bw, tool, detectors)
	}
	return nil, fmt.Errorf("--format %q: want text, json or sarif", format)
}

// textReporter prints one line per finding, in the file:line:column form
// editors and CI annotations understand.
type textReporter struct {
	w *bufio.Writer
}

func (r *textReporter) finding(f Finding) error {
	if f.In != "" {
		what := "secret " + f.Secret
		if f.Rule != "" {
			what = fmt.Sprintf("detected %s, confidence %s,", f.Rule, f.Confidence)
		}
		_, err := fmt.Fprintf(r.w, "%s: %s in %s (%s)\n", f.Path, what, inWhat(f.In), f.Encoding)
		return err
	}
	if f.Rule != "" {
		_, err := fmt.Fprintf(r.w, "%s:%d:%d: detected %s, confidence %s (%s)\n", f.Path, f.Line, f.Column, f.Rule, f.Confidence, f.Encoding)
		return err
	}
	_, err := fmt.Fprintf(r.w, "%s:%d:%d: secret %s (%s)\n", f.Path, f.Line, f.Column, f.Secret, f.Encoding)
	return err
}

func (r *textReporter) end([]problem) error { return r.w.Flush() }

// jsonReporter prints one JSON object per finding (JSON lines).
type jsonReporter struct {
	w   *bufio.Writer
	enc *json.Encoder
}

func (r *jsonReporter) finding(f Finding) error { return r.enc.Encode(f) }
func (r *jsonReporter) end([]problem) error     { return r.w.Flush() }
