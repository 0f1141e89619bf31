package config

import (
	"errors"
	"fmt"
	"os"
	osexec "os/exec"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// placeholder matches what looks like a replacement placeholder: a word in
// braces. Only {name} and {hash} are expanded; any other such word would be
// printed literally, which is nearly always a typo ({secret}, {Name}).
var placeholder = regexp.MustCompile(`\{[A-Za-z_][A-Za-z0-9_.-]*\}`)

// knownPlaceholders are the placeholders redact expands in the replacement
// of a known secret, detectedPlaceholders those of a detected token.
var (
	knownPlaceholders    = []string{"{name}", "{hash}"}
	detectedPlaceholders = []string{"{rule}", "{name}", "{hash}"}
)

// validateReplacement reports the placeholders of a replacement template
// that redact does not expand.
func validateReplacement(t string) error {
	return validateTemplate("replacement", t, knownPlaceholders)
}

// validateTemplate reports the placeholders of the template t, the value of
// key, that are not among known.
func validateTemplate(key, t string, known []string) error {
	var unknown []string
	for _, p := range placeholder.FindAllString(t, -1) {
		if !slices.Contains(known, p) {
			unknown = append(unknown, p)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	only := strings.Join(known, " and ")
	if len(known) > 2 {
		only = strings.Join(known[:len(known)-1], ", ") + " and " + known[len(known)-1]
	}
	verb := "are"
	if len(known) == 1 {
		verb = "is"
	}
	return fmt.Errorf("%s: unknown placeholder %s (only %s %s expanded; anything else would be printed as is)",
		key, strings.Join(unknown, ", "), only, verb)
}

// ValidateSources reports the problems of the configured sources that the
// document alone does not show, by looking at this machine: a files
// directory that does not exist or is not a directory, an env file that
// does not exist or is a directory, an exec command that cannot be found
// (exec.LookPath: in PATH, or an executable file when it holds a slash).
//
// Validate does not call it, so that a configuration can be checked on
// another machine; the Collector processor's Validate does (so
// `otelcol-hush validate` reports these), and so can any host that is
// about to run the sources. Paths are printed, never file contents.
func (c *Config) ValidateSources() error {
	var errs []error
	for i, d := range c.Files.Dirs {
		if strings.TrimSpace(d) == "" {
			continue // reported by Validate
		}
		switch fi, err := os.Stat(d); {
		case errors.Is(err, os.ErrNotExist):
			errs = append(errs, fmt.Errorf("files.dirs[%d]: directory %q does not exist", i, d))
		case err != nil:
			errs = append(errs, fmt.Errorf("files.dirs[%d]: %w", i, err))
		case !fi.IsDir():
			errs = append(errs, fmt.Errorf("files.dirs[%d]: %q is not a directory (list the directory that holds one file per secret)", i, d))
		}
	}
	for i, f := range c.EnvFiles {
		if strings.TrimSpace(f) == "" {
			continue
		}
		switch fi, err := os.Stat(f); {
		case errors.Is(err, os.ErrNotExist):
			errs = append(errs, fmt.Errorf("env_files[%d]: file %q does not exist", i, f))
		case err != nil:
			errs = append(errs, fmt.Errorf("env_files[%d]: %w", i, err))
		case fi.IsDir():
			errs = append(errs, fmt.Errorf("env_files[%d]: %q is a directory (use files.dirs for a directory of one file per secret)", i, f))
		}
	}
	if c.Exec.Command != "" {
		if _, err := osexec.LookPath(c.Exec.Command); err != nil {
			errs = append(errs, fmt.Errorf("exec.command: %q cannot be run: %w", c.Exec.Command, lookPathCause(err)))
		}
	}
	return errors.Join(errs...)
}

// lookPathCause strips the command name exec.LookPath repeats.
func lookPathCause(err error) error {
	var ee *osexec.Error
	if errors.As(err, &ee) {
		if errors.Is(ee.Err, osexec.ErrNotFound) {
			return errors.New("not found in PATH")
		}
		return ee.Err
	}
	return err
}

var durationType = reflect.TypeFor[time.Duration]()

// CheckDurations reports every duration in raw, a configuration document
// as decoded from YAML (maps of string keys, slices, scalars), that is a
// bare number. The Collector's decoder (mapstructure) reads a number into a
// time.Duration as nanoseconds, so "grace_period: 10" would mean 10 ns; a
// duration must be written with its unit ("10s", "5m", "24h").
//
// target is the configuration struct raw is decoded into (a *Config, or a
// struct that squashes one): its time.Duration fields are found by their
// mapstructure names, following squashed and nested structs and slices of
// structs. Call it before decoding; the processor does, through its
// confmap.Unmarshaler.
func CheckDurations(raw map[string]any, target any) error {
	t := reflect.TypeOf(target)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var errs []error
	checkDurations(raw, t, "", &errs)
	return errors.Join(errs...)
}

func checkDurations(raw map[string]any, t reflect.Type, prefix string, errs *[]error) {
	// Sorted keys: a stable order of the messages.
	fields := make([]reflect.StructField, 0, t.NumField())
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() {
			fields = append(fields, f)
		}
	}
	sort.SliceStable(fields, func(i, j int) bool { return fieldName(fields[i]) < fieldName(fields[j]) })
	for _, f := range fields {
		tag := f.Tag.Get("mapstructure")
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if strings.Contains(opts, "squash") && ft.Kind() == reflect.Struct {
			checkDurations(raw, ft, prefix, errs)
			continue
		}
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		v, ok := raw[name]
		if !ok || v == nil {
			continue
		}
		path := prefix + name
		switch {
		case ft == durationType:
			if isNumber(v) {
				*errs = append(*errs, fmt.Errorf("%s: %v has no unit (a bare number is read as nanoseconds); write it with one, as in %vs, %vm or %vh", path, v, v, v, v))
			}
		case ft.Kind() == reflect.Struct:
			if m, ok := v.(map[string]any); ok {
				checkDurations(m, ft, path+".", errs)
			}
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			if s, ok := v.([]any); ok {
				for i, e := range s {
					if m, ok := e.(map[string]any); ok {
						checkDurations(m, ft.Elem(), fmt.Sprintf("%s[%d].", path, i), errs)
					}
				}
			}
		}
	}
}

func fieldName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("mapstructure"), ",")
	return name
}

func isNumber(v any) bool {
	switch reflect.ValueOf(v).Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}
