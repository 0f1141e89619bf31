package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/provider/envprovider"
	"go.uber.org/zap"
	"go.yaml.in/yaml/v3"

	"github.com/hushlog/hush/config"
	"github.com/hushlog/hush/redact"
)

// The configuration file.
//
// "One configuration": the file --config reads is the Collector processor's
// hush block. It may be the block alone, the block with its "hush:" (or
// "hush/NAME:") key as copied from a Collector configuration, or a whole
// Collector configuration with one hush processor. Keys that only mean
// something to the processor (what to do with telemetry attributes, how
// long to wait at start) are accepted and ignored with a notice; refresh
// settings are accepted silently, as a single run reads every source once.
//
// The file is checked against the schema before anything else, so that an
// error names the line and the key, suggests the key meant when one is
// misspelt, and never quotes a value (it could be a secret).

// processorOnlyKeys are the keys of the processor's configuration that do
// not apply to a run over files.
var processorOnlyKeys = []string{
	"when_not_ready", "wait_timeout", "allow_all_keys", "allowed_keys", "ignored_keys",
	"ignored_key_patterns", "blocked_key_patterns", "blocked_values", "allowed_values",
	"redact_all_types", "hash_function", "hmac_key", "masking_string", "summary",
}

// configFile is a configuration file, read and checked.
type configFile struct {
	path    string
	block   *yaml.Node // the hush mapping
	where   string     // how the block was found, for messages: "", "hush", "processors.hush/x"
	ignored []string   // processor-only keys present, ignored
	// opaque are the values of the key material the file holds as
	// written (static secret values, hash keys), found by check.
	opaque []redact.Secret
}

// readConfigFile reads path and finds the hush block in it. The file is
// read within timeout, and gives way to ctx: a named pipe no one writes to
// (a process substitution whose command hangs) blocks an open until a
// writer comes, and must not hold the run, nor its first SIGTERM.
func readConfigFile(ctx context.Context, path string, timeout time.Duration) (*configFile, error) {
	var b []byte
	err := withTimeout(ctx, timeout, "--config "+path, func(context.Context) error {
		var err error
		b, err = os.ReadFile(path)
		return err
	})
	if errors.Is(err, context.Canceled) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("--config: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("--config %s: %s", path, describeYAMLError(b, err))
	}
	cf := &configFile{path: path}
	if len(doc.Content) == 0 {
		cf.block = &yaml.Node{Kind: yaml.MappingNode}
		return cf, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("--config %s: line %d: want a mapping of keys (min_length:, aws:, files:, ...)", path, root.Line)
	}
	block, where, err := findHushBlock(root)
	if err != nil {
		return nil, fmt.Errorf("--config %s: %w", path, err)
	}
	if block.Kind == yaml.ScalarNode && block.Tag == "!!null" {
		block = &yaml.Node{Kind: yaml.MappingNode, Line: block.Line}
	}
	if block.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("--config %s: line %d: %s: want a mapping of keys", path, block.Line, orTop(where))
	}
	cf.block, cf.where = block, where
	return cf, nil
}

// isHushKey reports whether a key names the hush processor: hush or
// hush/NAME.
func isHushKey(k string) bool { return k == "hush" || strings.HasPrefix(k, "hush/") }

// findHushBlock finds the hush block: the root itself, the value of a
// single hush or hush/NAME key, or that of processors.hush[/NAME] in a
// whole Collector configuration.
func findHushBlock(root *yaml.Node) (*yaml.Node, string, error) {
	var hush []int
	processors := -1
	for i := 0; i+1 < len(root.Content); i += 2 {
		switch k := root.Content[i].Value; {
		case isHushKey(k):
			hush = append(hush, i)
		case k == "processors":
			processors = i
		}
	}
	switch {
	case len(hush) == 1 && len(root.Content) == 2:
		return root.Content[1], root.Content[0].Value, nil
	case len(hush) > 1:
		return nil, "", fmt.Errorf("line %d: several hush blocks (%s): keep the one to use", root.Content[hush[1]].Line, keysAt(root, hush))
	case processors >= 0:
		procs := root.Content[processors+1]
		if procs.Kind != yaml.MappingNode {
			return nil, "", fmt.Errorf("line %d: processors: want a mapping", procs.Line)
		}
		var found []int
		for i := 0; i+1 < len(procs.Content); i += 2 {
			if isHushKey(procs.Content[i].Value) {
				found = append(found, i)
			}
		}
		switch len(found) {
		case 0:
			return nil, "", fmt.Errorf("line %d: a Collector configuration without a hush processor", root.Content[processors].Line)
		case 1:
			return procs.Content[found[0]+1], "processors." + procs.Content[found[0]].Value, nil
		}
		return nil, "", fmt.Errorf("line %d: several hush processors (%s): copy the one to use into a file of its own", procs.Content[found[1]].Line, keysAt(procs, found))
	}
	return root, "", nil
}

func keysAt(m *yaml.Node, at []int) string {
	var ks []string
	for _, i := range at {
		ks = append(ks, m.Content[i].Value)
	}
	return strings.Join(ks, ", ")
}

func orTop(where string) string {
	if where == "" {
		return "the configuration"
	}
	return where
}

// check checks the block against the schema of config.Config, collects
// the processor-only keys and removes them, and returns every problem.
func (cf *configFile) check() error {
	var errs []string
	var keep []*yaml.Node
	m := cf.block
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if slices.Contains(processorOnlyKeys, k.Value) {
			cf.ignored = append(cf.ignored, k.Value)
			continue
		}
		keep = append(keep, k, v)
	}
	m.Content = keep
	checkNode(m, reflect.TypeFor[config.Config](), "", &errs, processorOnlyKeys, &cf.opaque)
	if len(errs) > 0 {
		return fmt.Errorf("--config %s:\n  %s", cf.path, strings.Join(errs, "\n  "))
	}
	return nil
}

var (
	durationType = reflect.TypeFor[time.Duration]()
	opaqueType   = reflect.TypeFor[config.Opaque]()
)

// checkNode checks a YAML node against a Go type decoded with mapstructure
// tags, appending "line N: key: problem" for each problem. Values are
// never quoted. The values of key material (config.Opaque) are appended to
// opaque, named by their key, so that no message can print them.
func checkNode(n *yaml.Node, t reflect.Type, at string, errs *[]string, extra []string, opaque *[]redact.Secret) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // empty: the default
	}
	if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "${") {
		return // expanded later: checked once expanded
	}
	name := at
	if name == "" {
		name = "the configuration"
	}
	bad := func(want string) {
		*errs = append(*errs, fmt.Sprintf("line %d: %s: want %s", n.Line, name, want))
	}
	switch {
	case t == durationType:
		if n.Kind != yaml.ScalarNode {
			bad("a duration such as 30s or 5m")
		} else if _, err := time.ParseDuration(n.Value); err != nil {
			bad("a duration with a unit, such as 30s or 5m")
		}
		return
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			bad("a mapping of keys")
			return
		}
		fields := map[string]reflect.Type{}
		var names []string
		collectFields(t, fields, &names)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				msg := fmt.Sprintf("line %d: unknown key %q", k.Line, k.Value)
				if at != "" {
					msg += " in " + at
				}
				if s := suggest(k.Value, append(names, extra...)); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				} else {
					msg += fmt.Sprintf(" (known keys: %s)", strings.Join(names, ", "))
				}
				*errs = append(*errs, msg)
				continue
			}
			checkNode(v, ft, join(at, k.Value), errs, nil, opaque)
		}
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			if t.Elem().Kind() == reflect.String && n.Kind == yaml.ScalarNode {
				return // mapstructure takes "a,b" for a list of strings
			}
			bad("a list")
			return
		}
		for i, e := range n.Content {
			checkNode(e, t.Elem(), fmt.Sprintf("%s[%d]", name, i), errs, nil, opaque)
		}
	case t.Kind() == reflect.Int:
		if n.Kind != yaml.ScalarNode {
			bad("a whole number")
		} else if _, err := strconv.Atoi(n.Value); err != nil {
			bad("a whole number")
		}
	case t.Kind() == reflect.Bool:
		if n.Kind != yaml.ScalarNode {
			bad("true or false")
		} else if _, err := strconv.ParseBool(n.Value); err != nil {
			bad("true or false")
		}
	case t.Kind() == reflect.String, t == opaqueType:
		if n.Kind != yaml.ScalarNode {
			bad("a string")
		} else if t == opaqueType && n.Value != "" {
			*opaque = append(*opaque, redact.Secret{Name: name, Value: n.Value})
		}
	}
}

func join(at, k string) string {
	if at == "" {
		return k
	}
	return at + "." + k
}

// collectFields maps the mapstructure names of t's fields to their types,
// following squashed embedded structs.
func collectFields(t reflect.Type, out map[string]reflect.Type, names *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("mapstructure")
		name, opts, _ := strings.Cut(tag, ",")
		if opts == "squash" && f.Type.Kind() == reflect.Struct {
			collectFields(f.Type, out, names)
			continue
		}
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		out[name] = f.Type
		*names = append(*names, name)
	}
}

// suggest returns the candidate closest to s, if it is close enough to be
// what was meant.
func suggest(s string, candidates []string) string {
	best, bestD := "", 0
	for _, c := range candidates {
		d := editDistance(strings.ToLower(s), strings.ToLower(c))
		if best == "" || d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" && (bestD <= max(1, len(s)/3) || strings.HasPrefix(best, s) && len(s) >= 3) {
		return best
	}
	return ""
}

// editDistance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and transpositions of neighbours
// ("nmae" for "name") cost one each.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

var (
	yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)
	// yamlQuoted is text a parser quotes, longer than the punctuation it
	// says it expected (',' or ']'), which is kept.
	yamlQuoted = regexp.MustCompile("(['\"`])[^'\"`\\s][^'\"`]+[^'\"`\\s]['\"`]")
)

// describeYAMLError turns a YAML parser error on doc into "line N: what".
// The parser's own line is often that of the construct the error is in
// (the start of a list) or the one before; the line reported is found
// instead as the one after the longest prefix of the document that still
// parses, beyond which every prefix fails.
func describeYAMLError(doc []byte, err error) string {
	msg := err.Error()
	line := ""
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, msg = m[1], strings.TrimPrefix(msg, m[0])
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	// The parser quotes some of the text it stumbled on (an alias's
	// anchor: a password that starts with "*"): never print it.
	msg = yamlQuoted.ReplaceAllString(msg, "$1...$1")
	if n := badLine(doc); n > 0 {
		line = strconv.Itoa(n)
	}
	if line == "" {
		return msg + " (YAML syntax)"
	}
	return "line " + line + ": " + msg + " (YAML syntax)"
}

// badLine returns the 1-based line after which no prefix of doc parses, or
// 0 when that cannot be told (a very long document).
func badLine(doc []byte) int {
	lines := strings.SplitAfter(string(doc), "\n")
	if len(lines) > 2000 {
		return 0
	}
	for k := len(lines) - 1; k >= 0; k-- {
		var n yaml.Node
		if yaml.Unmarshal([]byte(strings.Join(lines[:k], "")), &n) == nil {
			return k + 1
		}
	}
	return 0
}

// loadConfig reads a configuration file: the hush block, checked, then
// ${env:VAR} and ${VAR} expanded as the Collector does, and decoded over the
// defaults. Processor-only keys are reported with notice. The key material
// the file holds (static secret values, hash keys), as written and once
// expanded, is given to learn as soon as it is read, before any message
// about the file is made.
func loadConfig(ctx context.Context, path string, timeout time.Duration, notice func(string), learn func(...redact.Secret)) (*config.Config, error) {
	cf, err := readConfigFile(ctx, path, timeout)
	if err != nil {
		return nil, err
	}
	err = cf.check()
	learn(cf.opaque...)
	if err != nil {
		return nil, err
	}
	if len(cf.ignored) > 0 && notice != nil {
		notice(fmt.Sprintf("--config %s: ignored, as they apply to the Collector processor only: %s", path, strings.Join(cf.ignored, ", ")))
	}
	b, err := yaml.Marshal(cf.block)
	if err != nil {
		return nil, fmt.Errorf("--config %s: %w", path, err)
	}
	res, err := confmap.NewResolver(confmap.ResolverSettings{
		URIs:              []string{bytesScheme + ":" + path},
		ProviderFactories: []confmap.ProviderFactory{bytesProviderFactory(b), envprovider.NewFactory()},
		DefaultScheme:     "env",
		ProviderSettings:  confmap.ProviderSettings{Logger: zap.NewNop()},
	})
	if err != nil {
		return nil, fmt.Errorf("--config %s: %w", path, err)
	}
	conf, err := res.Resolve(ctx)
	if err != nil {
		// The resolver quotes the reference it could not expand, which
		// may be part of a value holding "${" (a password): never print it.
		return nil, fmt.Errorf("--config %s: ${...} expansion: %s (write a literal $ as $$)", path, yamlQuoted.ReplaceAllString(err.Error(), "$1...$1"))
	}
	learn(expandedOpaque(conf.ToStringMap())...)
	cfg := config.Default()
	// A duration written as a bare number ("grace_period: 10") would
	// decode as nanoseconds: refused, as the Collector processor does.
	if err := config.CheckDurations(conf.ToStringMap(), cfg); err != nil {
		return nil, fmt.Errorf("--config %s: %w", path, err)
	}
	if err := conf.Unmarshal(cfg); err != nil {
		return nil, fmt.Errorf("--config %s: after ${...} expansion: %s", path, withoutValues(err.Error()))
	}
	return cfg, nil
}

// expandedOpaque returns the key material of a configuration once
// ${...} is expanded: the static secrets' values and the hash key.
func expandedOpaque(m map[string]any) []redact.Secret {
	var out []redact.Secret
	add := func(name string, v any) {
		if s, ok := v.(string); ok && s != "" {
			out = append(out, redact.Secret{Name: name, Value: s})
		} else if v != nil && !ok {
			// A number or a boolean where a value was expected: its text.
			if s := fmt.Sprint(v); s != "" {
				out = append(out, redact.Secret{Name: name, Value: s})
			}
		}
	}
	add("hash_key", m["hash_key"])
	if list, ok := m["static"].([]any); ok {
		for i, e := range list {
			if em, ok := e.(map[string]any); ok {
				add(fmt.Sprintf("static[%d].value", i), em["value"])
			}
		}
	}
	return out
}

var decodeValue = regexp.MustCompile(`, value: '[^\n]*`)

// withoutValues drops the values a decoding error quotes.
func withoutValues(msg string) string {
	msg = decodeValue.ReplaceAllString(msg, "")
	msg = strings.TrimPrefix(msg, "decoding failed due to the following error(s):\n\n")
	return msg
}

// bytesScheme is the scheme of the resolver's in-memory provider, which
// serves the checked block.
const bytesScheme = "hushconfig"

func bytesProviderFactory(b []byte) confmap.ProviderFactory {
	return confmap.NewProviderFactory(func(confmap.ProviderSettings) confmap.Provider { return bytesProvider(b) })
}

type bytesProvider []byte

func (p bytesProvider) Retrieve(_ context.Context, uri string, _ confmap.WatcherFunc) (*confmap.Retrieved, error) {
	if !strings.HasPrefix(uri, bytesScheme+":") {
		return nil, errors.New("unexpected URI")
	}
	return confmap.NewRetrievedFromYAML(p)
}

func (bytesProvider) Scheme() string                 { return bytesScheme }
func (bytesProvider) Shutdown(context.Context) error { return nil }
