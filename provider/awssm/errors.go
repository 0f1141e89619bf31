package awssm

import (
	"errors"
	"fmt"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/hushlog/hush/provider"
)

const providerName = "aws secrets manager"

// kindOfCode classifies a Secrets Manager error code.
func kindOfCode(code string) (provider.ErrorKind, bool) {
	switch code {
	case "AccessDeniedException", "AccessDenied", "UnrecognizedClientException", "InvalidSignatureException",
		"IncompleteSignature", "MissingAuthenticationTokenException", "ExpiredTokenException", "InvalidClientTokenId",
		"NotAuthorized", "KMSAccessDeniedException":
		return provider.AccessDenied, true
	case "ResourceNotFoundException":
		return provider.NotFound, true
	case "DecryptionFailure":
		return provider.Decryption, true
	case "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded",
		"InternalServiceError", "InternalFailure", "ServiceUnavailable", "RequestTimeout", "RequestTimeoutException":
		return provider.Transient, true
	case "InvalidParameterException", "InvalidRequestException", "InvalidNextTokenException", "ValidationException",
		"UnknownOperationException", "SerializationException":
		return provider.Permanent, true
	}
	return 0, false
}

// classify returns the kind of an SDK error.
func classify(err error) provider.ErrorKind {
	var de *smithy.DeserializationError
	if errors.As(err, &de) {
		return provider.Malformed
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if k, ok := kindOfCode(ae.ErrorCode()); ok {
			return k
		}
		if ae.ErrorFault() == smithy.FaultServer {
			return provider.Transient
		}
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() >= 500 {
		return provider.Transient
	}
	if k := provider.Kind(err); k == provider.Transient {
		return k
	}
	if ae != nil {
		return provider.Permanent
	}
	// Credential retrieval, connection and other client-side failures.
	return provider.Transient
}

// wrap turns an SDK error into a *provider.Error. A malformed response is
// described without its text: a decoder error may quote the body. Any
// other error's text, which carries the service's message, is reduced to
// its vocabulary (provider.ServerText): a misbehaving endpoint (a VPC
// endpoint's proxy, a stand-in) could echo a value there.
func wrap(op, name string, err error) *provider.Error {
	kind := classify(err)
	if kind == provider.Malformed {
		err = fmt.Errorf("%s: malformed response", op)
	} else {
		err = &quotedError{msg: op + ": " + provider.ServerText(err.Error(), op, name), err: err}
	}
	return provider.NewError(providerName, name, kind, err)
}

// batchError turns one entry of BatchGetSecretValue's Errors list into a
// *provider.Error.
func batchError(name, code, msg string) *provider.Error {
	kind, ok := kindOfCode(code)
	if !ok {
		kind = provider.Permanent
	}
	return provider.NewError(providerName, name, kind, fmt.Errorf("BatchGetSecretValue: %s", provider.ServerText(code+": "+msg, name)))
}

// quotedError is an SDK error whose text was made fit to quote; it unwraps
// to the SDK's error, so that its code and status stay known.
type quotedError struct {
	msg string
	err error
}

func (e *quotedError) Error() string { return e.msg }
func (e *quotedError) Unwrap() error { return e.err }
