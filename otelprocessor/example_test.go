package hushprocessor_test

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/hushlog/hush/config"
	hushprocessor "github.com/hushlog/hush/otelprocessor"
)

// A distribution adds hushprocessor.NewFactory() to its processors; this
// example drives the factory directly with a static secret.
func Example() {
	factory := hushprocessor.NewFactory()
	cfg := factory.CreateDefaultConfig().(*hushprocessor.Config)
	cfg.Static = []config.StaticSecret{{Name: "prod/db/password", Value: "Vq7rT2pLx9Kw3Nz8"}}
	cfg.WhenNotReady = hushprocessor.NotReadyWait // hold the first batch until the index is built

	sink := new(consumertest.LogsSink)
	ctx := context.Background()
	p, err := factory.CreateLogs(ctx, processortest.NewNopSettings(factory.Type()), cfg, sink)
	if err != nil {
		panic(err)
	}
	if err := p.Start(ctx, componenttest.NewNopHost()); err != nil {
		panic(err)
	}
	defer p.Shutdown(ctx) //nolint:errcheck // example

	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.Body().SetStr("connecting with password=Vq7rT2pLx9Kw3Nz8")
	lr.Attributes().PutStr("auth", "Basic YXBwOlZxN3JUMnBMeDlLdzNOejg=") // base64("app:" + password)
	if err := p.ConsumeLogs(ctx, ld); err != nil {
		panic(err)
	}
	out := sink.AllLogs()[0].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	auth, _ := out.Attributes().Get("auth")
	fmt.Println(out.Body().Str())
	fmt.Println(auth.Str())
	// Output:
	// connecting with password=[REDACTED:prod/db/password]
	// Basic YXBwO[REDACTED:prod/db/password]=
}
