package cli_test

import (
	"context"
	"os"
	"strings"

	"github.com/hushlog/hush/cmd/hush/internal/cli"
)

// Main is the whole command line; cmd/hush only adds the signals. Here it
// scrubs standard input with the secrets of a configuration file.
func ExampleMain() {
	in := strings.NewReader("connecting to postgres://app:Zq8v-4Lw2-9pXc-7yTb@db:5432/app\n")
	code := cli.Main(context.Background(),
		[]string{"scrub", "--quiet", "--config", "testdata/hush.yaml"},
		cli.IO{In: in, Out: os.Stdout, Err: os.Stderr})
	if code != cli.ExitOK {
		os.Exit(code)
	}
	// Output:
	// connecting to postgres://app:[REDACTED:prod/db/password]@db:5432/app
}
