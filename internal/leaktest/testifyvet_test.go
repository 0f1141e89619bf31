package leaktest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The testify rule, checked: no testify assertion (a call through the
// packages github.com/stretchr/testify/assert or .../require) in any
// _test.go file of the repository takes a secret value as an argument,
// because testify prints its arguments when it fails.
//
// The check is syntactic (go/ast, no type information), so it works on
// every module of the repository at once. An argument is a secret value when
// any part of it is:
//
//   - an identifier named like a secret (secretNameRE: "secret", "passw",
//     "pwd", "token", "apikey", "credential", "pw"), unless the name says
//     it is about a secret rather than its value (notValueRE: "name",
//     "repl", "count", "len", "dir", "path", "file", "pattern", "rule",
//     "kind", "skip", "stat", ...);
//   - a field selector .Password, .Secret, .SecretString, .Token, .APIKey;
//   - an identifier bound (:=, =, var, range) to a secret value in the same
//     function, and .Value of one (a redact.Secret's value);
//   - a redact.Secret composite literal;
//   - a string literal holding a value of the suite's fixture (Secrets).
//
// A value stays secret through conversions, concatenation, indexing and
// slicing, and calls that return text made from it (fmt.Sprint*, strings.
// Join/Repeat/ReplaceAll/ToUpper/..., base64/hex EncodeToString, url
// escaping, json.Marshal, strconv.Quote, append); .Name and .Version of a
// secret, len and cap, comparisons and every other call (which return
// booleans, counts or errors) are not secret. Leak assertions go through
// Check instead.

var (
	secretNameRE = regexp.MustCompile(`(?i)(secret|passw|pwd|token|apikey|api_key|credential|^pw$|^pws$)`)
	notValueRE   = regexp.MustCompile(`(?i)(^per[A-Z_]|name|repl|count|len|dir|path|file|pattern|rule|kind|skip|stat|num|provider|source|spec|ref|opts?$|cfg|config|err|type|want.*name)`)
	secretFields = map[string]bool{"Password": true, "Secret": true, "SecretString": true, "Token": true, "APIKey": true}
	// valueCarrying are calls whose result is text made from their
	// arguments (or receiver).
	valueCarrying = map[string]bool{
		"string": true, "Sprint": true, "Sprintf": true, "Sprintln": true, "Join": true, "Repeat": true,
		"ReplaceAll": true, "Replace": true, "ToUpper": true, "ToLower": true, "TrimSpace": true, "Trim": true,
		"TrimPrefix": true, "TrimSuffix": true, "Split": true, "Fields": true, "EncodeToString": true,
		"QueryEscape": true, "PathEscape": true, "Marshal": true, "Quote": true, "QuoteToASCII": true,
		"append": true, "Clone": true, "Bytes": true, "String": true, "EscapeString": true,
	}
)

// violation is one testify call given a secret value.
type violation struct {
	pos  token.Position
	call string
	arg  string
}

func (v violation) String() string {
	return fmt.Sprintf("%s: %s takes a secret value (%s)", v.pos, v.call, v.arg)
}

// vetFile returns the violations in one parsed file.
func vetFile(fset *token.FileSet, f *ast.File, fixture []string) []violation {
	testify := map[string]bool{}
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if p != "github.com/stretchr/testify/assert" && p != "github.com/stretchr/testify/require" {
			continue
		}
		name := filepath.Base(p)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		testify[name] = true
	}
	if len(testify) == 0 {
		return nil
	}
	var out []violation
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		v := &vetter{fset: fset, testify: testify, fixture: fixture, tainted: map[string]bool{}}
		ast.Inspect(fn.Body, v.visit)
		out = append(out, v.found...)
	}
	return out
}

type vetter struct {
	fset    *token.FileSet
	testify map[string]bool
	fixture []string
	tainted map[string]bool
	found   []violation
}

func (v *vetter) visit(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.AssignStmt:
		for i, lhs := range n.Lhs {
			rhs := n.Rhs[0]
			if len(n.Rhs) == len(n.Lhs) {
				rhs = n.Rhs[i]
			}
			if id, ok := lhs.(*ast.Ident); ok && v.secret(rhs) {
				v.tainted[id.Name] = true
			}
		}
	case *ast.ValueSpec:
		for i, id := range n.Names {
			if i < len(n.Values) && v.secret(n.Values[i]) {
				v.tainted[id.Name] = true
			}
		}
	case *ast.RangeStmt:
		if v.secret(n.X) {
			if id, ok := n.Value.(*ast.Ident); ok {
				v.tainted[id.Name] = true
			}
		}
	case *ast.CallExpr:
		sel, ok := n.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		pkg, ok := sel.X.(*ast.Ident)
		if !ok || !v.testify[pkg.Name] {
			return true
		}
		for i, a := range n.Args {
			if i == 0 {
				continue // t
			}
			if v.secret(a) {
				v.found = append(v.found, violation{
					pos:  v.fset.Position(a.Pos()),
					call: pkg.Name + "." + sel.Sel.Name,
					arg:  v.describe(a),
				})
			}
		}
	}
	return true
}

// describe names an argument without quoting a fixture value.
func (v *vetter) describe(e ast.Expr) string {
	var b strings.Builder
	_ = printer.Fprint(&b, token.NewFileSet(), e)
	s := b.String()
	for _, f := range v.fixture {
		if strings.Contains(s, f) {
			return "a literal holding a fixture secret"
		}
	}
	return fmt.Sprintf("argument %s", s)
}

// secret reports whether e is, or is made from, a secret value.
func (v *vetter) secret(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		if v.tainted[e.Name] {
			return true
		}
		return secretNameRE.MatchString(e.Name) && !notValueRE.MatchString(e.Name)
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return false
		}
		s, err := strconv.Unquote(e.Value)
		if err != nil {
			return false
		}
		for _, f := range v.fixture {
			if strings.Contains(s, f) {
				return true
			}
		}
	case *ast.SelectorExpr:
		switch {
		case secretFields[e.Sel.Name]:
			return true
		case e.Sel.Name == "Name" || e.Sel.Name == "Version":
			return false
		}
		return v.secret(e.X)
	case *ast.CompositeLit:
		if typeName(e.Type) == "Secret" {
			return true
		}
		for _, el := range e.Elts {
			if v.secret(el) {
				return true
			}
		}
	case *ast.KeyValueExpr:
		return v.secret(e.Value)
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			return v.secret(e.X) || v.secret(e.Y)
		}
	case *ast.ParenExpr:
		return v.secret(e.X)
	case *ast.StarExpr:
		return v.secret(e.X)
	case *ast.UnaryExpr:
		return e.Op == token.AND && v.secret(e.X)
	case *ast.IndexExpr:
		return v.secret(e.X)
	case *ast.SliceExpr:
		return v.secret(e.X)
	case *ast.CallExpr:
		switch fun := e.Fun.(type) {
		case *ast.ArrayType: // []byte(x)
			return len(e.Args) == 1 && v.secret(e.Args[0])
		case *ast.Ident:
			if !valueCarrying[fun.Name] {
				return false
			}
		case *ast.SelectorExpr:
			if !valueCarrying[fun.Sel.Name] {
				return false
			}
			if v.secret(fun.X) {
				return true
			}
		default:
			return false
		}
		for _, a := range e.Args {
			if v.secret(a) {
				return true
			}
		}
	}
	return false
}

func typeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.ArrayType:
		return typeName(e.Elt)
	case *ast.MapType:
		return typeName(e.Value)
	}
	return ""
}

func fixtureValues() []string {
	var out []string
	for _, s := range Secrets() {
		for _, u := range units(s, minFormLen) {
			out = append(out, u.v)
		}
	}
	return out
}

func TestTestifyNeverSeesSecrets(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	fixture := fixtureValues()
	fset := token.NewFileSet()
	files := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "testdata", "vendor", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files++
		for _, v := range vetFile(fset, f, fixture) {
			rel, _ := filepath.Rel(root, v.pos.Filename)
			v.pos.Filename = rel
			t.Errorf("%s; use leaktest.Check for leak assertions", v)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, files, 50, "the walk found too few test files: is the root right?")
}

// TestTestifyVetCatches shows the check catches the forbidden shapes and
// leaves ordinary assertions alone.
func TestTestifyVetCatches(t *testing.T) {
	src := `package x

import (
	"testing"

	"github.com/stretchr/testify/assert"
	req "github.com/stretchr/testify/require"
	"github.com/hushlog/hush/redact"
)

func TestX(t *testing.T) {
	secretDB := redact.Secret{Name: "n", Value: "v"}
	apiSecret := "sk_live_x"
	var out string
	assert.NotContains(t, out, secretDB.Value)           // bad 1
	req.Equal(t, apiSecret, out)                         // bad 2
	for _, s := range []redact.Secret{secretDB} {
		v := s.Value
		assert.True(t, len(out) > 0, "leaked %s", v)     // bad 3
		assert.Equal(t, "x", s.Name)                     // fine: a name
	}
	assert.Contains(t, out, "Zq8rT2vLx9-s3cr3t")         // bad 4: fixture literal
	assert.Equal(t, "x", string([]byte(apiSecret)))      // bad 5
	assert.NotContains(t, out, "pre"+secretDB.Value)     // bad 6
	cfg.Password = "x"
	assert.Equal(t, "x", cfg.Password)                   // bad 7
	assert.Len(t, []redact.Secret{}, 0)                  // bad 8: a Secret literal
	secretName := "prod/db"
	assert.Equal(t, "prod/db", secretName)               // fine: a name
	req.NoError(t, r.Set([]redact.Secret{secretDB}))     // fine: an error
	assert.True(t, strings.Contains(out, apiSecret))     // fine: a bool
	assert.Equal(t, 3, len(apiSecret))                   // fine: a length
	assert.Equal(t, "[REDACTED:n]", r.Replacement(secretDB.Name)) // fine
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x_test.go", src, 0)
	require.NoError(t, err)
	found := vetFile(fset, f, fixtureValues())
	var lines []int
	for _, v := range found {
		lines = append(lines, v.pos.Line)
	}
	assert.Equal(t, []int{15, 16, 19, 22, 23, 24, 26, 27}, lines)
	for _, v := range found {
		Check(t, Secrets(), []byte(v.String()), "violation message")
	}
}
