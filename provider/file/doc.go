// Package file is a provider of secrets kept in files, for the provider
// layer of hush (see package provider):
//
//   - Dir reads a directory holding one file per secret, the secret named
//     after the file's path relative to the directory ("db/password"). It is
//     the layout of a Kubernetes Secret mounted as a volume, where the files
//     are symlinks through "..data" to a timestamped directory that the
//     kubelet swaps atomically; Dir follows the symlinks and skips that
//     machinery (entries starting with ".."), while a key starting with one
//     dot (".dockerconfigjson") is a secret like any other. List reads
//     the files with a bounded number of readers at once (10,000 files in a
//     fraction of the time one by one), in a deterministic order, opening
//     each non-blocking so that a named pipe never blocks it. Its Watch
//     notices the swap through fsnotify, with a slow poll as backstop.
//   - EnvFile reads a .env file (KEY=value lines, quoted multi-line values,
//     parsed by github.com/joho/godotenv); every variable is a secret named
//     after its key. A value with $NAME or ${NAME} is protected both as
//     godotenv expands it and as written, since loaders differ (Node's
//     dotenv does not expand).
//
// Both are provider.Getter, provider.Lister and provider.Watcher. Errors
// never quote a file's content.
package file // import "github.com/hushlog/hush/provider/file"
