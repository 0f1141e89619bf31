//go:build ignore

// servertext_vocab_gen writes servertext_errors.txt and
// servertext_english.txt, the vocabulary ServerText keeps (see
// servertext.go). Run it with `go generate ./provider/` from the repository
// root of a checkout whose module cache holds the provider modules'
// dependencies (`go mod download` in each provider sub-module) and with
// Debian's scowl package installed (apt-get install scowl). The lists
// depend on those versions and on the Go toolchain's (go1.26.8 made the
// committed ones).
//
// servertext_errors.txt: the words of the error messages of the SDKs and
// servers hush talks to. They are taken from the Go sources of the
// versions the provider modules require and of the standard library's
// packages their errors wrap: every string literal that an
// error is built from (arguments of errors.New, fmt.Errorf and any call
// whose name has "Err" or "Fail" in it or begins with "Wrap", "Invalid",
// "NotFound", "Forbidden", "Unauthorized" or "Conflict"; Error, ErrorCode and ErrorMessage methods'
// return values; Message, Reason, Code fields of composite literals;
// constants of Reason, Code and Status types; String methods of Code,
// Reason, Status and State types; protobuf enums' names of such types),
// split into words, plus
// net/http's reason phrases and servertext_seed.txt (messages written by
// servers whose source is not a dependency: Vault and OpenBao server,
// the Kubernetes API server, Key Vault, Google APIs).
//
// servertext_english.txt: SCOWL's most common English words (size level
// 10 of english-words and american-words: the 1000 most common English
// words and others as frequent; Kevin Atkinson's Spell Checker Oriented
// Word Lists, as packaged by Debian), less those already in
// servertext_errors.txt. Level 20 would add 4,500 words and no word the
// readability table (TestServerTextReadsRealMessages) needs.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	token2 "go/token"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// modules are the module paths (prefixes) whose sources are read.
var modules = []string{
	"github.com/aws/aws-sdk-go-v2",
	"github.com/aws/smithy-go",
	"github.com/hashicorp/vault/api",
	"k8s.io/apimachinery",
	"k8s.io/client-go",
	"google.golang.org/grpc",
	"google.golang.org/api",
	"google.golang.org/genproto/googleapis/rpc",
	"cloud.google.com/go/secretmanager",
	"github.com/googleapis/gax-go/v2",
	"github.com/Azure/azure-sdk-for-go/sdk/azcore",
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity",
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault",
}

// stdPackages are the standard library's packages (not their
// sub-packages) whose errors are read.
var stdPackages = []string{"context", "crypto/tls", "crypto/x509", "encoding/json", "encoding/base64", "io", "net", "net/http", "net/url", "os", "time"}

const scowl = "/usr/share/dict/scowl/"

var scowlLists = []string{"english-words.10", "american-words.10"}

func main() {
	log.SetFlags(0)
	dirs := moduleDirs()
	counts := map[string]int{} // word -> number of distinct literals using it
	seen := map[string]bool{}
	add := func(lit string) {
		if seen[lit] {
			return
		}
		seen[lit] = true
		for w := range words(lit) {
			counts[w]++
		}
	}
	for _, d := range dirs {
		scanDir(d, add)
	}
	// The standard library's errors that SDK errors wrap (a dial, a TLS
	// handshake, a deadline), net/http's reason phrases and the errno
	// table's messages ("connection refused").
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		log.Fatalf("go env GOROOT: %v", err)
	}
	std := filepath.Join(strings.TrimSpace(string(goroot)), "src")
	for _, d := range stdPackages {
		scanPackage(filepath.Join(std, d), add)
	}
	scanFile(filepath.Join(std, "net", "http", "status.go"), add, true)
	scanFile(filepath.Join(std, "syscall", "zerrors_linux_amd64.go"), add, true)
	seed, err := os.ReadFile("servertext_seed.txt")
	if err != nil {
		log.Fatal(err)
	}
	for line := range strings.Lines(string(seed)) {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			// Seeded messages are evidence enough on their own.
			for w := range words(line) {
				counts[w] += 2
			}
		}
	}
	english := map[string]bool{}
	for _, l := range scowlLists {
		for _, w := range readList(scowl + l) {
			english[w] = true
		}
	}
	all := map[string]bool{} // every SCOWL word up to size 50, to vet SDK tokens
	for _, l := range []string{"english-words.35", "american-words.35", "english-words.40", "american-words.40", "english-words.50", "american-words.50", "english-abbreviations.10", "english-abbreviations.20", "english-abbreviations.35", "english-upper.10", "english-upper.35"} {
		for _, w := range readList(scowl + l) {
			all[w] = true
		}
	}
	for w := range english {
		all[w] = true
	}
	var errs []string
	for w, n := range counts {
		if keepTechnical(w, n, all) {
			errs = append(errs, w)
		}
	}
	slices.Sort(errs)
	var eng []string
	inErrs := map[string]bool{}
	for _, w := range errs {
		inErrs[w] = true
	}
	for w := range english {
		if !inErrs[w] {
			eng = append(eng, w)
		}
	}
	slices.Sort(eng)
	write("servertext_errors.txt", errs, "# The words of real provider error messages: string literals errors are built\n# from in the Go SDKs the provider modules require, net/http's reason\n# phrases and servertext_seed.txt. Generated by servertext_vocab_gen.go; do\n# not edit.\n")
	write("servertext_english.txt", eng, scowlNotice)
	log.Printf("%d error words, %d English words", len(errs), len(eng))
}

// keepTechnical decides whether a word seen in n error literals is
// vocabulary: an English word, or a word of letters with a vowel (an
// identifier such as "secretsmanager"), or one without a vowel seen in at
// least three messages ("http"), or a word with digits seen in at least
// two ("x509", "ec2imds").
func keepTechnical(w string, n int, english map[string]bool) bool {
	letters, digits := 0, 0
	for i := 0; i < len(w); i++ {
		if w[i] >= '0' && w[i] <= '9' {
			digits++
		} else {
			letters++
		}
	}
	switch {
	case letters == 0 || len(w) > 24:
		return false
	case len(w) == 1:
		return w == "a" || w == "i"
	case digits > 0:
		return n >= 2 && len(w) <= 8
	case english[w]:
		return true
	case len(w) <= 3:
		return n >= 3 // "arn", "kms", "iam", "tls"
	}
	if !strings.ContainsAny(w, "aeiouy") {
		return n >= 3 // "http", "grpc", "html"
	}
	return true
}

// words yields the lower-cased words of a message: its runs of letters
// and digits, and the parts of a run split at its capitals
// ("ResourceNotFoundException": "resourcenotfoundexception", "resource",
// "not", "found", "exception").
func words(msg string) func(func(string) bool) {
	msg = verb.ReplaceAllString(msg, " ")
	return func(yield func(string) bool) {
		for _, tok := range fields(msg) {
			if !yield(strings.ToLower(tok)) {
				return
			}
			for _, p := range camel(tok) {
				if p != tok && !yield(strings.ToLower(p)) {
					return
				}
			}
		}
	}
}

// verb matches fmt verbs, so "%s" and "%q" are not words.
var verb = regexp.MustCompile(`%[-+# 0-9.*\[\]]*[a-zA-Z]`)

// fields splits at anything but letters and digits.
func fields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
}

// camel splits letters at capitals as servertext.go's parts does
// ("HTTPServer": "HTTP", "Server"); a run with digits is not split.
func camel(s string) []string {
	if strings.ContainsAny(s, "0123456789") {
		return nil
	}
	var out []string
	start := 0
	for i := 1; i < len(s); i++ {
		up, prevUp := isUpper(s[i]), isUpper(s[i-1])
		nextLow := i+1 < len(s) && !isUpper(s[i+1])
		if up && (!prevUp || nextLow) {
			out = append(out, s[start:i])
			start = i
		}
	}
	return append(out, s[start:])
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

func moduleDirs() []string {
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Path}} {{.Dir}}", "all")
	cmd.Dir = "awssm" // the workspace resolves every provider module
	out, err := cmd.Output()
	if err != nil {
		log.Fatalf("go list: %v", err)
	}
	var dirs []string
	for line := range strings.Lines(string(out)) {
		path, dir, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok || dir == "" {
			continue
		}
		for _, m := range modules {
			if path == m || strings.HasPrefix(path, m+"/") {
				dirs = append(dirs, dir)
				break
			}
		}
	}
	if len(dirs) < len(modules) {
		log.Fatalf("found %d module directories for %d modules: run go mod download", len(dirs), len(modules))
	}
	return dirs
}

func scanPackage(dir string, add func(string)) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range ents {
		if n := e.Name(); !e.IsDir() && strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
			scanFile(filepath.Join(dir, n), add, false)
		}
	}
}

func scanDir(root string, add func(string)) {
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "testdata", "example", "examples", "test", "tests", "fake", "vendor":
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			scanFile(p, add, false)
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
}

var errName = regexp.MustCompile(`Err|^New$|^Wrap|^panic$|Fail|^Invalid|^NotFound|^Forbidden|^Unauthorized|^Conflict`)

// scanFile adds the string literals of a Go file that errors are built
// from (every literal when all is set).
func scanFile(p string, add func(string), all bool) {
	fset := token2.NewFileSet()
	f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
	if err != nil {
		return // generated files of other build tags may not parse alone
	}
	lits := func(n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			if bl, ok := n.(*ast.BasicLit); ok && bl.Kind == token2.STRING {
				if s, err := strconv.Unquote(bl.Value); err == nil && len(s) < 500 {
					add(s)
				}
			}
			return true
		})
	}
	if all {
		lits(f)
		return
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			name := ""
			switch fn := n.Fun.(type) {
			case *ast.Ident:
				name = fn.Name
			case *ast.SelectorExpr:
				name = fn.Sel.Name
				if x, ok := fn.X.(*ast.Ident); ok && name == "New" && x.Name != "errors" {
					name = ""
				}
			}
			if errName.MatchString(name) {
				for _, a := range n.Args {
					lits(a)
				}
			}
		case *ast.KeyValueExpr:
			if k, ok := n.Key.(*ast.Ident); ok {
				switch k.Name {
				case "Message", "Msg", "Reason", "Code", "ErrorCode", "ErrorMessage", "Description":
					lits(n.Value)
				}
			}
		case *ast.FuncDecl:
			name := n.Name.Name
			if name == "String" && n.Recv != nil && len(n.Recv.List) == 1 && codeType.MatchString(recvName(n.Recv.List[0].Type)) {
				name = "Error" // gRPC's Code.String: "Unauthenticated"
			}
			switch name {
			case "Error", "ErrorCode", "ErrorMessage", "ErrorFault":
				if n.Body != nil {
					ast.Inspect(n.Body, func(m ast.Node) bool {
						if r, ok := m.(*ast.ReturnStmt); ok {
							for _, e := range r.Results {
								lits(e)
							}
						}
						return true
					})
				}
			}
		case *ast.ValueSpec:
			typ := ""
			if id, ok := n.Type.(*ast.Ident); ok {
				typ = id.Name
			} else if sel, ok := n.Type.(*ast.SelectorExpr); ok {
				typ = sel.Sel.Name
			}
			enumNames := strings.HasSuffix(p, ".pb.go") && len(n.Names) == 1 && codeType.MatchString(n.Names[0].Name) && strings.HasSuffix(n.Names[0].Name, "_name")
			if strings.HasSuffix(typ, "Reason") || strings.HasSuffix(typ, "Code") || strings.HasSuffix(typ, "Cause") || enumNames {
				// enumNames: a protobuf enum's names (Code_name: "UNAUTHENTICATED";
				// SecretVersion_State_name: "DESTROYED").
				for _, v := range n.Values {
					lits(v)
				}
			}
		}
		return true
	})
}

// codeType matches the names of types (and protobuf enum maps) whose
// values are status codes or states.
var codeType = regexp.MustCompile(`Code|Reason|Status|State`)

// recvName is a method receiver's type name.
func recvName(e ast.Expr) string {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

func readList(p string) []string {
	b, err := os.ReadFile(p)
	if err != nil {
		log.Fatalf("%v (apt-get install scowl)", err)
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		w := sc.Text()
		ok := w != ""
		for i := 0; i < len(w); i++ {
			ok = ok && w[i] >= 'a' && w[i] <= 'z' // no proper names, no "don't", no accents
		}
		if ok && (len(w) > 1 || w == "a" || w == "i") {
			out = append(out, w)
		}
	}
	return out
}

func write(name string, ws []string, header string) {
	var b bytes.Buffer
	b.WriteString(header)
	for _, w := range ws {
		fmt.Fprintln(&b, w)
	}
	if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}

const scowlNotice = `# SCOWL's most common English words (size level 10 of english-words and
# american-words), less those in servertext_errors.txt. Generated by
# servertext_vocab_gen.go; do not edit.
#
# Copyright 2000-2011 by Kevin Atkinson
#
# Permission to use, copy, modify, distribute and sell these word
# lists, the associated scripts, the output created from the scripts,
# and its documentation for any purpose is hereby granted without fee,
# provided that the above copyright notice appears in all copies and
# that both that copyright notice and this permission notice appear in
# supporting documentation. Kevin Atkinson makes no representations
# about the suitability of this array for any purpose. It is provided
# "as is" without express or implied warranty.
#
# SCOWL is built from lists under other permissive notices: see the
# copyright file of Debian's scowl package.
`
