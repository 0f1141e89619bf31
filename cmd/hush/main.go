// Command hush scrubs and scans logs for the live values of secrets.
//
//	hush scrub --secrets-dir /var/run/secrets/app app.log > app.clean.log
//	hush scan --aws prefix:prod/ --format sarif -o hush.sarif logs/
//
// See `hush --help` and internal/cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/hushlog/hush/cmd/hush/internal/cli"
)

func main() {
	// The first SIGINT or SIGTERM cancels the run, which removes its
	// temporary files; a second one kills at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(ctx, stop)
	code := cli.Main(ctx, os.Args[1:], cli.StdIO())
	stop()
	os.Exit(code)
}
