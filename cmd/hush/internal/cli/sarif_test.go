package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hushlog/hush/detect"
	"github.com/hushlog/hush/detect/detecttest"
)

// sarifDef is what the SARIF 2.1.0 JSON schema says of one object type
// that hush emits: the properties it allows (additionalProperties is false
// for all of them), the ones it requires, and for each property the
// definition of its value (or of its items, for arrays).
type sarifDef struct {
	required []string
	oneOfReq [][]string // at least one of each group must be present
	props    map[string]string
}

// Kinds of leaf values, and references to the definitions below.
const (
	tString  = "string"
	tInt1    = "int>=1"
	tIntM1   = "int>=-1"
	tInt0    = "int>=0"
	tBool    = "bool"
	tLevel   = "enum:none,note,warning,error"
	tColKind = "enum:utf16CodeUnits,unicodeCodePoints"
	tVersion = "enum:2.1.0"
	tStrMap  = "map:string"
	tAny     = "any"
)

// sarifDefs lists, from the SARIF 2.1.0 schema (sarif-schema-2.1.0.json),
// the definitions hush uses, with every property they allow.
var sarifDefs = map[string]sarifDef{
	"sarifLog": {required: []string{"version", "runs"}, props: map[string]string{
		"$schema": tString, "version": tVersion, "runs": "[]run", "inlineExternalProperties": tAny, "properties": "propertyBag"}},
	"run": {required: []string{"tool"}, props: map[string]string{
		"tool": "tool", "invocations": "[]invocation", "conversion": tAny, "language": tString,
		"versionControlProvenance": tAny, "originalUriBaseIds": tAny, "artifacts": tAny, "logicalLocations": tAny,
		"graphs": tAny, "results": "[]result", "automationDetails": tAny, "runAggregates": tAny, "baselineGuid": tString,
		"redactionTokens": tAny, "defaultEncoding": tString, "defaultSourceLanguage": tString, "newlineSequences": tAny,
		"columnKind": tColKind, "externalPropertyFileReferences": tAny, "threadFlowLocations": tAny, "taxonomies": tAny,
		"addresses": tAny, "translations": tAny, "policies": tAny, "webRequests": tAny, "webResponses": tAny,
		"specialLocations": tAny, "properties": "propertyBag"}},
	"tool": {required: []string{"driver"}, props: map[string]string{
		"driver": "toolComponent", "extensions": tAny, "properties": "propertyBag"}},
	"toolComponent": {required: []string{"name"}, props: map[string]string{
		"guid": tString, "name": tString, "organization": tString, "product": tString, "productSuite": tString,
		"shortDescription": "multiformatMessageString", "fullDescription": "multiformatMessageString",
		"fullName": tString, "version": tString, "semanticVersion": tString, "dottedQuadFileVersion": tString,
		"releaseDateUtc": tString, "downloadUri": tString, "informationUri": tString, "globalMessageStrings": tAny,
		"notifications": tAny, "rules": "[]reportingDescriptor", "taxa": tAny, "locations": tAny, "language": tString,
		"contents": tAny, "isComprehensive": tBool, "localizedDataSemanticVersion": tString,
		"minimumRequiredLocalizedDataSemanticVersion": tString, "associatedComponent": tAny,
		"translationMetadata": tAny, "supportedTaxonomies": tAny, "properties": "propertyBag"}},
	"reportingDescriptor": {required: []string{"id"}, props: map[string]string{
		"id": tString, "deprecatedIds": tAny, "guid": tString, "deprecatedGuids": tAny, "name": tString,
		"deprecatedNames": tAny, "shortDescription": "multiformatMessageString",
		"fullDescription": "multiformatMessageString", "messageStrings": tAny,
		"defaultConfiguration": "reportingConfiguration", "helpUri": tString, "help": "multiformatMessageString",
		"relationships": tAny, "properties": "propertyBag"}},
	"reportingConfiguration": {props: map[string]string{
		"enabled": tBool, "level": tLevel, "rank": tAny, "parameters": "propertyBag", "properties": "propertyBag"}},
	"multiformatMessageString": {required: []string{"text"}, props: map[string]string{
		"text": tString, "markdown": tString, "properties": "propertyBag"}},
	"message": {oneOfReq: [][]string{{"text", "id"}}, props: map[string]string{
		"text": tString, "markdown": tString, "id": tString, "arguments": tAny, "properties": "propertyBag"}},
	"result": {required: []string{"message"}, props: map[string]string{
		"ruleId": tString, "ruleIndex": tIntM1, "rule": tAny, "kind": tAny, "level": tLevel, "message": "message",
		"analysisTarget": "artifactLocation", "locations": "[]location", "guid": tString, "correlationGuid": tString,
		"occurrenceCount": tInt1, "partialFingerprints": tStrMap, "fingerprints": tStrMap, "stacks": tAny,
		"codeFlows": tAny, "graphs": tAny, "graphTraversals": tAny, "relatedLocations": "[]location",
		"suppressions": tAny, "baselineState": tAny, "rank": tAny, "attachments": tAny, "hostedViewerUri": tString,
		"workItemUris": tAny, "provenance": tAny, "fixes": tAny, "taxa": tAny, "webRequest": tAny,
		"webResponse": tAny, "properties": "propertyBag"}},
	"location": {props: map[string]string{
		"id": tIntM1, "physicalLocation": "physicalLocation", "logicalLocations": tAny, "message": "message",
		"annotations": tAny, "relationships": tAny, "properties": "propertyBag"}},
	"physicalLocation": {oneOfReq: [][]string{{"address", "artifactLocation"}}, props: map[string]string{
		"address": tAny, "artifactLocation": "artifactLocation", "region": "region", "contextRegion": "region",
		"properties": "propertyBag"}},
	"artifactLocation": {props: map[string]string{
		"uri": tString, "uriBaseId": tString, "index": tIntM1, "description": "message", "properties": "propertyBag"}},
	"region": {props: map[string]string{
		"startLine": tInt1, "startColumn": tInt1, "endLine": tInt1, "endColumn": tInt1, "charOffset": tIntM1,
		"charLength": tInt0, "byteOffset": tIntM1, "byteLength": tInt0, "snippet": tAny, "message": "message",
		"sourceLanguage": tString, "properties": "propertyBag"}},
	"invocation": {required: []string{"executionSuccessful"}, props: map[string]string{
		"commandLine": tString, "arguments": tAny, "responseFiles": tAny, "startTimeUtc": tString,
		"endTimeUtc": tString, "exitCode": tAny, "ruleConfigurationOverrides": tAny,
		"notificationConfigurationOverrides": tAny, "toolExecutionNotifications": "[]notification",
		"toolConfigurationNotifications": "[]notification", "exitCodeDescription": tString,
		"exitSignalName": tString, "exitSignalNumber": tAny, "processStartFailureMessage": tString,
		"executionSuccessful": tBool, "machine": tString, "account": tString, "processId": tAny,
		"executableLocation": "artifactLocation", "workingDirectory": "artifactLocation",
		"environmentVariables": tStrMap, "stdin": "artifactLocation", "stdout": "artifactLocation",
		"stderr": "artifactLocation", "stdoutStderr": "artifactLocation", "properties": "propertyBag"}},
	"notification": {required: []string{"message"}, props: map[string]string{
		"locations": "[]location", "message": "message", "level": tLevel, "threadId": tAny, "timeUtc": tString,
		"exception": tAny, "descriptor": tAny, "associatedRule": tAny, "properties": "propertyBag"}},
}

// validateSARIF checks a document against sarifDefs and returns every
// violation.
func validateSARIF(doc []byte) []string {
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	var errs []string
	validateValue(&errs, "$", "sarifLog", v)
	return errs
}

func validateValue(errs *[]string, path, kind string, v any) {
	bad := func(format string, args ...any) { *errs = append(*errs, path+": "+fmt.Sprintf(format, args...)) }
	switch {
	case kind == tAny:
	case strings.HasPrefix(kind, "[]"):
		arr, ok := v.([]any)
		if !ok {
			bad("want an array")
			return
		}
		for i, it := range arr {
			validateValue(errs, fmt.Sprintf("%s[%d]", path, i), kind[2:], it)
		}
	case kind == tString:
		if _, ok := v.(string); !ok {
			bad("want a string")
		}
	case kind == tBool:
		if _, ok := v.(bool); !ok {
			bad("want a boolean")
		}
	case kind == tInt1, kind == tInt0, kind == tIntM1:
		n, ok := v.(float64)
		minimum := map[string]float64{tInt1: 1, tInt0: 0, tIntM1: -1}[kind]
		if !ok || n != float64(int64(n)) || n < minimum {
			bad("want an integer >= %v, got %v", minimum, v)
		}
	case strings.HasPrefix(kind, "enum:"):
		if s, ok := v.(string); !ok || !slices.Contains(strings.Split(kind[5:], ","), s) {
			bad("want one of %s, got %v", kind[5:], v)
		}
	case kind == tStrMap:
		m, ok := v.(map[string]any)
		if !ok {
			bad("want an object")
			return
		}
		for k, x := range m {
			if _, ok := x.(string); !ok {
				bad("%s: want a string", k)
			}
		}
	case kind == "propertyBag":
		m, ok := v.(map[string]any)
		if !ok {
			bad("want an object")
			return
		}
		if tags, ok := m["tags"]; ok {
			arr, ok := tags.([]any)
			seen := map[any]bool{}
			for _, t := range arr {
				if _, isStr := t.(string); !isStr || seen[t] {
					ok = false
				}
				seen[t] = true
			}
			if !ok {
				bad("tags: want unique strings")
			}
		}
	default:
		def, known := sarifDefs[kind]
		if !known {
			bad("validator knows no definition %q", kind)
			return
		}
		m, ok := v.(map[string]any)
		if !ok {
			bad("want an object (%s)", kind)
			return
		}
		for _, r := range def.required {
			if _, ok := m[r]; !ok {
				bad("%s: required property %q missing", kind, r)
			}
		}
		for _, group := range def.oneOfReq {
			if !slices.ContainsFunc(group, func(k string) bool { _, ok := m[k]; return ok }) {
				bad("%s: one of %v required", kind, group)
			}
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			pk, ok := def.props[k]
			if !ok {
				bad("%s: property %q not allowed", kind, k)
				continue
			}
			validateValue(errs, path+"."+k, pk, m[k])
		}
	}
}

func TestSARIFValidatorCatchesErrors(t *testing.T) {
	for _, doc := range []string{
		`{"runs":[]}`,
		`{"version":"2.0.0","runs":[]}`,
		`{"version":"2.1.0","runs":[{}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{}}}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"r"}]}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"},"region":{"startLine":0}}}]}]}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"secret":"no"}]}]}`,
	} {
		if errs := validateSARIF([]byte(doc)); len(errs) == 0 {
			t.Errorf("validator accepted %s", doc)
		}
	}
}

// TestScanSARIFValid runs a real scan with findings, a skipped binary file
// and a failed input, and validates the report against the schema, plus
// what GitHub code scanning needs: a rule id matching a rule, a location
// with a relative URI and a start line, partial fingerprints.
func TestScanSARIFValid(t *testing.T) {
	dir := t.TempDir()
	cfg := writeSecretsConfig(t, dir)
	logs := filepath.Join(dir, "logs")
	os.MkdirAll(logs, 0o755)
	os.WriteFile(filepath.Join(logs, "a.log"), []byte("x "+testSecrets[0].Value+"\nok\n"+testSecrets[1].Value+"\n"), 0o644)
	os.WriteFile(filepath.Join(logs, "b.bin"), []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR "+testSecrets[0].Value), 0o644)
	// Two detected tokens, in another file.
	g := detecttest.New(9)
	gh, pem := g.Token("github-token"), g.Token("private-key")
	os.WriteFile(filepath.Join(logs, "c.log"), []byte("auth "+gh.Text+"\nkey:\n"+pem.Text+"\n"), 0o644)
	t.Chdir(dir)
	code, out, _ := runMain(t, nil, "scan", "--config", cfg, "--detect=github-token,private-key,jwt", "--format", "sarif", "logs", "missing.log")
	if code != ExitFound {
		t.Fatalf("exit %d, want %d", code, ExitFound)
	}
	for _, e := range validateSARIF([]byte(out)) {
		t.Error(e)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID   string
						Help struct{ Text string }
					}
				}
			}
			Results []struct {
				RuleID     string
				RuleIndex  int
				Properties map[string]string
				Locations  []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn, EndLine int }
					}
				}
				PartialFingerprints map[string]string
			}
			Invocations []struct {
				ExecutionSuccessful        bool
				ToolExecutionNotifications []struct{ Level string }
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	// The known secrets' rule, then one per detector asked for, in
	// package detect's order, each with its remediation.
	rules := run.Tool.Driver.Rules
	wantRules := []string{sarifRuleID, sarifDetectedRule + "github-token", sarifDetectedRule + "private-key", sarifDetectedRule + "jwt"}
	if len(rules) != len(wantRules) {
		t.Fatalf("%d rules, want %d", len(rules), len(wantRules))
	}
	for i, id := range wantRules {
		if rules[i].ID != id {
			t.Errorf("rule %d is %s, want %s", i, rules[i].ID, id)
		}
		if d, ok := detect.Lookup(strings.TrimPrefix(id, sarifDetectedRule)); ok && !strings.Contains(rules[i].Help.Text, d.Remediation) {
			t.Errorf("rule %s: the help does not say what to do", id)
		}
	}
	if len(run.Results) != 4 {
		t.Fatalf("%d results, want 4", len(run.Results))
	}
	for i, r := range run.Results {
		if r.RuleIndex < 0 || r.RuleIndex >= len(rules) || r.RuleID != rules[r.RuleIndex].ID || len(r.PartialFingerprints) == 0 {
			t.Errorf("result %d without its rule or fingerprints", i)
		}
		pl := r.Locations[0].PhysicalLocation
		want := map[bool]string{true: "logs/a.log", false: "logs/c.log"}[i < 2]
		if pl.ArtifactLocation.URI != want || pl.Region.StartLine < 1 {
			t.Errorf("location %+v", pl)
		}
	}
	for i, rule := range []string{"github-token", "private-key"} {
		r := run.Results[2+i]
		if r.RuleID != sarifDetectedRule+rule || r.Properties["rule"] != rule || r.Properties["confidence"] == "" {
			t.Errorf("result %d: rule %s, properties %v; want the %s rule and a confidence", 2+i, r.RuleID, r.Properties, rule)
		}
	}
	if got := run.Results[3].Locations[0].PhysicalLocation.Region; got.StartLine != 3 || got.EndLine < got.StartLine+3 {
		t.Errorf("the private key at %+v, want lines 3 to the END line", got)
	}
	for _, tok := range []detecttest.Token{gh, pem} {
		if strings.Contains(out, tok.Secret()) {
			t.Errorf("the SARIF report holds the %s token", tok.Rule)
		}
	}
	if got := run.Results[1].Locations[0].PhysicalLocation.Region; got.StartLine != 3 || got.StartColumn != 1 {
		t.Errorf("second finding at %+v, want line 3 column 1", got)
	}
	inv := run.Invocations[0]
	if inv.ExecutionSuccessful || len(inv.ToolExecutionNotifications) != 2 {
		t.Errorf("invocation %+v: want unsuccessful with two errors (binary not checked, missing file)", inv)
	}
	assertNoValue(t, "SARIF report", []byte(out))
}

func TestArtifactURI(t *testing.T) {
	for in, want := range map[string]string{
		"logs/a.log":       "logs/a.log",
		"./logs/a b.log":   "logs/a%20b.log",
		"/var/log/x#1.log": "file:///var/log/x%231.log",
		"<stdin>":          "stdin",
	} {
		if got := artifactURI(in); got != want {
			t.Errorf("artifactURI(%q) = %q, want %q", in, got, want)
		}
	}
}
