package cli

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hushlog/hush/detect"
)

// SARIF 2.1.0 output, as GitHub code scanning accepts it: one run, one
// rule for the known secrets and one per detector in use (with what to do:
// where to revoke or rotate the token), one result per finding with a physical location (a relative URI
// when the input was given as a relative path, so the alert lands on the
// file in the repository), and partial fingerprints so alerts are tracked
// across runs. The document is streamed: results are written as they are
// found, so a scan's memory does not grow with its findings.

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifRuleID  = "hush/live-secret"
	// sarifDetectedRule prefixes the id of a detector's rule:
	// "hush/detected/github-token".
	sarifDetectedRule = "hush/detected/"
)

type sarifLog struct {
	Version string     `json:"version"`
	Schema  string     `json:"$schema"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	ColumnKind  string            `json:"columnKind"`
	Results     []sarifResult     `json:"results"`
	Invocations []sarifInvocation `json:"invocations"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifMessage    `json:"shortDescription"`
	FullDescription      sarifMessage    `json:"fullDescription"`
	Help                 sarifHelp       `json:"help"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
	Properties           map[string]any  `json:"properties"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]string `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int64 `json:"startLine"`
	StartColumn int64 `json:"startColumn"`
	EndLine     int64 `json:"endLine"`
	EndColumn   int64 `json:"endColumn"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

// toolInfo names the tool in reports.
type toolInfo struct {
	name, version string
}

// sarifRules returns the rules of a report: the known secrets' first, then
// one per detector rule, in the order given.
func sarifRules(detectors []*detect.Rule) []sarifRule {
	rules := []sarifRule{{
		ID:               sarifRuleID,
		Name:             "LiveSecret",
		ShortDescription: sarifMessage{"A live secret value appears in the file"},
		FullDescription: sarifMessage{"The value of a secret that hush was given (from AWS Secrets Manager, " +
			"files, environment variables or a command) appears in the file, as it is or in an encoded form " +
			"(JSON, URL, base64, hex, HTML or shell escaping)."},
		Help: sarifHelp{
			Text: "Rotate the secret: it has been written where it should not be. Then scrub the file " +
				"(hush scrub --in-place FILE) and find the code or configuration that logged it.",
			Markdown: "**Rotate the secret**: it has been written where it should not be. Then scrub the file " +
				"(`hush scrub --in-place FILE`) and find the code or configuration that logged it.",
		},
		DefaultConfiguration: sarifRuleConfig{Level: "error"},
		Properties: map[string]any{
			"tags":              []string{"security", "secret", "credential-leak"},
			"precision":         "very-high",
			"problem.severity":  "error",
			"security-severity": "9.0",
		},
	}}
	for _, d := range detectors {
		rules = append(rules, detectorRule(d))
	}
	return rules
}

// detectorRule is the SARIF rule of one detector.
func detectorRule(d *detect.Rule) sarifRule {
	precision := "high"
	if d.Confidence == detect.Checksum {
		precision = "very-high"
	}
	return sarifRule{
		ID:               sarifDetectedRule + d.ID,
		Name:             ruleName(d.ID),
		ShortDescription: sarifMessage{article(d.Name, true) + " " + d.Name + " appears in the file"},
		FullDescription: sarifMessage{"hush recognised " + article(d.Name, false) + " " + d.Name + " by its format (rule " + d.ID +
			", at best " + d.Confidence.String() + " confidence: " + confidenceMeaning(d.Confidence) +
			"), as it is or in an encoded form. hush was not given it: it is not known whether it is live."},
		Help: sarifHelp{
			Text: "Treat the token as leaked: " + d.Remediation + " Then scrub the file (hush scrub --in-place FILE) " +
				"and find the code or configuration that logged it.",
			Markdown: "**Treat the token as leaked**: " + d.Remediation + " Then scrub the file " +
				"(`hush scrub --in-place FILE`) and find the code or configuration that logged it.",
		},
		DefaultConfiguration: sarifRuleConfig{Level: "error"},
		Properties: map[string]any{
			"tags":              []string{"security", "secret", "credential-leak", "detected"},
			"precision":         precision,
			"problem.severity":  "error",
			"security-severity": "8.0",
			"confidence":        d.Confidence.String(),
		},
	}
}

// ruleName turns a rule id into a SARIF rule name: "github-token" is
// "DetectedGithubToken".
func ruleName(id string) string {
	var b strings.Builder
	b.WriteString("Detected")
	for _, w := range strings.Split(id, "-") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

// article is "a" or "an" before name (by its first letter: "an AWS access
// key ID", "a GitHub token"), capitalised at the start of a sentence.
func article(name string, capital bool) string {
	a := "a"
	if name != "" && strings.ContainsRune("AEIOUaeiou", rune(name[0])) {
		a = "an"
	}
	if capital {
		return strings.ToUpper(a[:1]) + a[1:]
	}
	return a
}

// confidenceMeaning says what a confidence level checked.
func confidenceMeaning(c detect.Confidence) string {
	switch c {
	case detect.Checksum:
		return "its checksum is valid"
	case detect.Structure:
		return "its structure is valid"
	}
	return "a fixed prefix and a body of the right length and alphabet"
}

type sarifReporter struct {
	w        *bufio.Writer
	tool     toolInfo
	nresults int
	// ruleIndex maps a detector's rule id to its index in the rules.
	ruleIndex map[string]int
}

// newSARIFReporter starts a report whose rules are the known secrets' and
// one per rule of detectors (the detectors in use).
func newSARIFReporter(w *bufio.Writer, tool toolInfo, detectors []*detect.Rule) (*sarifReporter, error) {
	r := &sarifReporter{w: w, tool: tool, ruleIndex: map[string]int{}}
	for i, d := range detectors {
		r.ruleIndex[d.ID] = i + 1
	}
	// Everything before the results, then the results one by one, then
	// the rest: the same document json.Marshal would give, streamed.
	head, err := json.Marshal(sarifTool{Driver: sarifDriver{
		Name:           tool.name,
		Version:        tool.version,
		InformationURI: "https://github.com/hushlog/hush",
		Rules:          sarifRules(detectors),
	}})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, `{"version":%q,"$schema":%q,"runs":[{"tool":%s,"columnKind":"unicodeCodePoints","results":[`,
		sarifVersion, sarifSchema, head)
	return r, nil
}

func (r *sarifReporter) finding(f Finding) error {
	uri := artifactURI(f.Path)
	if f.Rule != "" {
		return r.write(r.detected(uri, f))
	}
	res := sarifResult{
		RuleID:              sarifRuleID,
		RuleIndex:           0,
		Level:               "error",
		Message:             sarifMessage{fmt.Sprintf("The live secret %q appears %s (%s).", f.Secret, sarifWhere(f), describeEncoding(f.Encoding))},
		Locations:           findingLocation(uri, f),
		PartialFingerprints: map[string]string{"hushSecretLocation/v1": fingerprint(uri, f)},
		Properties:          map[string]string{"secret": f.Secret, "encoding": f.Encoding},
	}
	return r.write(res)
}

// detected is the result of a token found by a detector.
func (r *sarifReporter) detected(uri string, f Finding) sarifResult {
	idx, ok := r.ruleIndex[f.Rule]
	if !ok {
		// Not announced in the rules (never, from a scan): the result
		// still names its rule by id.
		idx = -1
	}
	name := f.Rule
	if d, ok := detect.Lookup(f.Rule); ok {
		name = d.Name
	}
	return sarifResult{
		RuleID:    sarifDetectedRule + f.Rule,
		RuleIndex: idx,
		Level:     "error",
		Message: sarifMessage{fmt.Sprintf("%s %s appears %s (%s; %s confidence).",
			article(name, true), name, sarifWhere(f), describeEncoding(f.Encoding), f.Confidence)},
		Locations:           findingLocation(uri, f),
		PartialFingerprints: map[string]string{"hushSecretLocation/v1": fingerprint(uri, f)},
		Properties:          map[string]string{"rule": f.Rule, "confidence": f.Confidence, "encoding": f.Encoding},
	}
}

func (r *sarifReporter) write(res sarifResult) error {
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	if r.nresults > 0 {
		r.w.WriteByte(',')
	}
	r.nresults++
	_, err = r.w.Write(b)
	return err
}

func (r *sarifReporter) end(problems []problem) error {
	inv := sarifInvocation{ExecutionSuccessful: true}
	for _, p := range problems {
		n := sarifNotification{Level: "error", Message: sarifMessage{p.msg}}
		if p.notice {
			n.Level = "note"
		} else {
			inv.ExecutionSuccessful = false
		}
		if p.path != "" {
			n.Locations = []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: artifactURI(p.path)},
			}}}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	b, err := json.Marshal([]sarifInvocation{inv})
	if err != nil {
		return err
	}
	fmt.Fprintf(r.w, `],"invocations":%s}]}`+"\n", b)
	return r.w.Flush()
}

// findingLocation is where a finding is, for its result.
func findingLocation(uri string, f Finding) []sarifLocation {
	if f.In != "" {
		// Not in the content: the artifact, without a region.
		return []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri}}}}
	}
	return []sarifLocation{{PhysicalLocation: sarifPhysical{
		ArtifactLocation: sarifArtifact{URI: uri},
		Region: &sarifRegion{
			StartLine: f.Line, StartColumn: f.Column,
			EndLine: f.EndLine, EndColumn: f.EndColumn,
		},
	}}}
}

// sarifWhere says where in the artifact a finding is.
func sarifWhere(f Finding) string {
	if f.In != "" {
		return "in " + strings.Replace(inWhat(f.In), "its", "the file's", 1)
	}
	return "here"
}

// artifactURI turns a path into a URI reference: relative paths stay
// relative (GitHub resolves them against the repository root), absolute
// ones become file URIs.
func artifactURI(path string) string {
	if path == "<stdin>" {
		return "stdin"
	}
	p := filepath.ToSlash(path)
	if filepath.IsAbs(path) {
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	p = strings.TrimPrefix(p, "./")
	return (&url.URL{Path: p}).EscapedPath()
}

// fingerprint identifies a finding across runs without the value: the
// file, the secret, its encoding and its line.
func fingerprint(uri string, f Finding) string {
	key := uri + "\x00" + f.Secret + "\x00" + f.Encoding + "\x00" + strconv.FormatInt(f.Line, 10)
	if f.In != "" {
		key += "\x00" + f.In // a name has no line: the same key for the content's line 0 would never be made
	}
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:16])
}

func describeEncoding(enc string) string {
	if enc == "raw" {
		return "as it is"
	}
	return enc + "-encoded"
}
