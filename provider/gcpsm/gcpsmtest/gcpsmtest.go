// Package gcpsmtest gives the tests of other modules (the configuration,
// the CLI, the Collector distribution) the Secret Manager stand-in of this
// module, internal/gcpfake: an in-process gRPC server on loopback with
// request counters and fault injection.
package gcpsmtest

import "github.com/hushlog/hush/provider/gcpsm/internal/gcpfake"

// Server is the stand-in; see internal/gcpfake.
type Server = gcpfake.Server

// New starts a stand-in on 127.0.0.1. Close it. Point a provider at it
// with its ClientOptions, or with HUSH_GCP_ENDPOINT set to its Addr.
func New() *Server { return gcpfake.New() }

// The methods, as counted by Server.Count.
const (
	ListSecrets         = gcpfake.ListSecrets
	GetSecret           = gcpfake.GetSecret
	ListSecretVersions  = gcpfake.ListSecretVersions
	GetSecretVersion    = gcpfake.GetSecretVersion
	AccessSecretVersion = gcpfake.AccessSecretVersion
)
